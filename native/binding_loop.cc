// The `Loop` class: one readiness loop (loop.h) parked inside Node's event
// loop (park.h). JavaScript owns the batch storage, an Int32Array of
// [fd, events] pairs that the wait fills in place, and receives the count of
// each batch in one call: one crossing per loop turn, however many fds.
#include <cerrno>
#include <cstdlib>

#include "binding.h"
#include "loop.h"
#include "park.h"

namespace sc {
namespace {

uv_loop_t *UvLoopOf(Napi::Env env) {
  uv_loop_t *loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  return loop;
}

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

  bool CheckOpen(Napi::Env env);
  void Release();
  static void OnReady(sc_park_t *park, const sc_event_t *events, int count);
  static void OnClosed(sc_park_t *park);

  sc_loop_t *loop_ = nullptr;
  sc_park_t *park_ = nullptr; // freed by OnClosed, once libuv lets go of it
  bool referenced_ = false;   // a self-reference while started
  Napi::Reference<Napi::Int32Array> events_;
  Napi::FunctionReference on_ready_;
  Napi::AsyncContext context_;
};

Napi::Function Loop::Define(Napi::Env env) {
  return DefineClass(env, "Loop",
                     {
                         InstanceMethod<&Loop::Set>("set"),
                         InstanceMethod<&Loop::Get>("get"),
                         InstanceMethod<&Loop::Poll>("poll"),
                         InstanceMethod<&Loop::Start>("start"),
                         InstanceMethod<&Loop::Stop>("stop"),
                         InstanceMethod<&Loop::Close>("close"),
                         InstanceAccessor<&Loop::Backend>("backend"),
                         InstanceAccessor<&Loop::MaxFds>("maxFds"),
                         InstanceAccessor<&Loop::Count>("count"),
                         InstanceAccessor<&Loop::Active>("active"),
                     });
}

// new Loop(backend: string, maxFds: number, events: Int32Array,
//          onReady: (count: number) => void)
Loop::Loop(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<Loop>(info), context_(info.Env(), "selectchat.Loop") {
  Napi::Env env = info.Env();
  int max_fds;

  if (!info[0].IsString()) {
    Napi::TypeError::New(env, "backend must be a string")
        .ThrowAsJavaScriptException();
    return;
  }
  if (!ArgInt(info, 1, "maxFds", &max_fds))
    return;
  if (!info[2].IsTypedArray() ||
      info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      info[2].As<Napi::Int32Array>().ElementLength() < 2) {
    Napi::TypeError::New(env, "events must be an Int32Array of pairs")
        .ThrowAsJavaScriptException();
    return;
  }
  if (!info[3].IsFunction()) {
    Napi::TypeError::New(env, "onReady must be a function")
        .ThrowAsJavaScriptException();
    return;
  }

  std::string backend = info[0].As<Napi::String>().Utf8Value();
  int err = sc_loop_create(&loop_, backend.c_str(), max_fds);
  if (err < 0) {
    loop_ = nullptr;
    ThrowErrno(env, err, "loop_create");
    return;
  }
  Napi::Int32Array events = info[2].As<Napi::Int32Array>();
  park_ = static_cast<sc_park_t *>(calloc(1, sizeof(sc_park_t)));
  err = park_ == nullptr ? -ENOMEM : 0;
  if (err == 0) {
    err = sc_park_init(park_, UvLoopOf(env), loop_,
                       reinterpret_cast<sc_event_t *>(events.Data()),
                       static_cast<int>(events.ElementLength() / 2), OnReady);
  }
  if (err < 0) {
    free(park_);
    park_ = nullptr;
    sc_loop_free(loop_);
    loop_ = nullptr;
    ThrowErrno(env, err, "loop_create");
    return;
  }
  park_->data = this;
  events_ = Napi::Persistent(events);
  on_ready_ = Napi::Persistent(info[3].As<Napi::Function>());
}

Loop::~Loop() { Release(); }

// Hand the loop and the park to libuv's close path; both are freed there.
void Loop::Release() {
  if (park_ == nullptr)
    return;
  park_->data = nullptr;
  sc_park_close(park_, OnClosed);
  park_ = nullptr;
  loop_ = nullptr;
}

void Loop::OnClosed(sc_park_t *park) {
  sc_loop_free(park->loop);
  free(park);
}

void Loop::OnReady(sc_park_t *park, const sc_event_t *, int count) {
  Loop *self = static_cast<Loop *>(park->data);
  if (self == nullptr)
    return;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  if (count < 0 && self->referenced_) {
    self->referenced_ = false;
    self->Unref();
  }
  self->on_ready_.MakeCallback(self->Value(), {Napi::Number::New(env, count)},
                               self->context_);
  // A throwing handler must not unwind through libuv: report it the way
  // Node reports any uncaught exception.
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    napi_fatal_exception(env, error.Value());
  }
}

bool Loop::CheckOpen(Napi::Env env) {
  if (loop_ != nullptr)
    return true;
  Napi::Error::New(env, "the loop is closed").ThrowAsJavaScriptException();
  return false;
}

// set(fd, events) -> 0 or a negated errno (-ERANGE past the ceiling).
Napi::Value Loop::Set(const Napi::CallbackInfo &info) {
  int fd;
  int events;

  if (!CheckOpen(info.Env()) || !ArgInt(info, 0, "fd", &fd) ||
      !ArgInt(info, 1, "events", &events))
    return info.Env().Undefined();
  if (fd == park_->backend_fd)
    return Napi::Number::New(info.Env(), -EEXIST);
  return Napi::Number::New(info.Env(), sc_loop_set(loop_, fd, events));
}

Napi::Value Loop::Get(const Napi::CallbackInfo &info) {
  int fd;

  if (!CheckOpen(info.Env()) || !ArgInt(info, 0, "fd", &fd))
    return info.Env().Undefined();
  return Napi::Number::New(info.Env(), sc_loop_get(loop_, fd));
}

// poll(timeoutMs) -> count or a negated errno; fills the events array. It
// blocks the whole process, so it is for benchmarks and tests only.
Napi::Value Loop::Poll(const Napi::CallbackInfo &info) {
  int timeout;

  if (!CheckOpen(info.Env()) || !ArgInt(info, 0, "timeoutMs", &timeout))
    return info.Env().Undefined();
  int count = sc_park_poll(park_, timeout);
  return Napi::Number::New(info.Env(), count == -EINTR ? 0 : count);
}

Napi::Value Loop::Start(const Napi::CallbackInfo &info) {
  if (!CheckOpen(info.Env()))
    return info.Env().Undefined();
  int err = sc_park_start(park_);
  if (err < 0) {
    ThrowErrno(info.Env(), err, "loop_start");
    return info.Env().Undefined();
  }
  if (!referenced_) {
    // While parked, only libuv refers to us: keep the wrapper from the GC.
    referenced_ = true;
    Ref();
  }
  return info.Env().Undefined();
}

Napi::Value Loop::Stop(const Napi::CallbackInfo &info) {
  if (loop_ != nullptr)
    sc_park_stop(park_);
  if (referenced_) {
    referenced_ = false;
    Unref();
  }
  return info.Env().Undefined();
}

Napi::Value Loop::Close(const Napi::CallbackInfo &info) {
  Stop(info);
  Release();
  return info.Env().Undefined();
}

Napi::Value Loop::Backend(const Napi::CallbackInfo &info) {
  if (!CheckOpen(info.Env()))
    return info.Env().Undefined();
  return Napi::String::New(info.Env(), sc_loop_backend_name(loop_));
}

Napi::Value Loop::MaxFds(const Napi::CallbackInfo &info) {
  if (!CheckOpen(info.Env()))
    return info.Env().Undefined();
  return Napi::Number::New(info.Env(), sc_loop_max_fds(loop_));
}

// Watched fds, not counting libuv's own.
Napi::Value Loop::Count(const Napi::CallbackInfo &info) {
  if (!CheckOpen(info.Env()))
    return info.Env().Undefined();
  int own = park_->backend_fd >= 0 ? 1 : 0;
  return Napi::Number::New(info.Env(), sc_loop_count(loop_) - own);
}

Napi::Value Loop::Active(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(),
                            loop_ != nullptr && sc_park_is_active(park_));
}

}  // namespace

Napi::Object InitLoop(Napi::Env env, Napi::Object exports) {
  exports.Set("Loop", Loop::Define(env));
  Napi::Array names = Napi::Array::New(env);
  const char *const *backends = sc_loop_backends();
  for (uint32_t i = 0; backends[i] != nullptr; i++)
    names.Set(i, Napi::String::New(env, backends[i]));
  exports.Set("backends", names);
  exports.Set("READABLE", Napi::Number::New(env, SC_READABLE));
  exports.Set("WRITABLE", Napi::Number::New(env, SC_WRITABLE));
  return exports;
}

}  // namespace sc
