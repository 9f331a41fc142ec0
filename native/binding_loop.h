// The `Loop` class of the binding (one readiness loop parked inside Node's
// event loop), split over binding_loop.cc (life cycle, the batch crossing)
// and binding_loop_calls.cc (the methods JavaScript calls).
#ifndef SC_BINDING_LOOP_H
#define SC_BINDING_LOOP_H

#include "binding.h"
#include "loop.h"
#include "park.h"
#include "reader.h"

namespace sc {

class Loop : public Napi::ObjectWrap<Loop> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Loop(const Napi::CallbackInfo &info);
  ~Loop() override;

 private:
  Napi::Value Set(const Napi::CallbackInfo &info);
  Napi::Value Get(const Napi::CallbackInfo &info);
  Napi::Value Poll(const Napi::CallbackInfo &info);
  Napi::Value Start(const Napi::CallbackInfo &info);
  Napi::Value Stop(const Napi::CallbackInfo &info);
  Napi::Value Close(const Napi::CallbackInfo &info);
  Napi::Value Backend(const Napi::CallbackInfo &info);
  Napi::Value MaxFds(const Napi::CallbackInfo &info);
  Napi::Value Count(const Napi::CallbackInfo &info);
  Napi::Value Active(const Napi::CallbackInfo &info);
  Napi::Value Frame(const Napi::CallbackInfo &info);
  Napi::Value MaxLine(const Napi::CallbackInfo &info);
  Napi::Value Trace(const Napi::CallbackInfo &info);
  Napi::Value Records(const Napi::CallbackInfo &info);

  bool CheckOpen(Napi::Env env);
  void Release();
  bool TakeStorage(Napi::Env env, Napi::Value storage);
  int ReadFramed(int count);
  static void OnReady(sc_park_t *park, const sc_event_t *events, int count);
  static void OnClosed(sc_park_t *park);

  sc_loop_t *loop_ = nullptr;
  sc_park_t *park_ = nullptr; // freed by OnClosed, once libuv lets go of it
  bool referenced_ = false;   // a self-reference while started
  sc_reader_t reader_;
  sc_batch_t batch_ = {};     // points into lines_ and records_
  int records_ = 0;           // records of the last batch
  Napi::Reference<Napi::Int32Array> events_;
  Napi::Reference<Napi::Uint8Array> lines_;
  Napi::Reference<Napi::Int32Array> line_records_;
  Napi::Reference<Napi::Float64Array> stats_;
  Napi::FunctionReference on_ready_;
  Napi::AsyncContext context_;
};

}  // namespace sc

#endif  // SC_BINDING_LOOP_H
