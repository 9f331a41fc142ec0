// The `Loop` class: one readiness loop (loop.h) parked inside Node's event
// loop (park.h). JavaScript owns the batch storage, an Int32Array of
// [fd, events] pairs that the wait fills in place, and receives the count of
// each batch in one call: one crossing per loop turn, however many fds.
// Fds framed natively (reader.h) are read before that call, and their lines
// travel in the same crossing, in a second batch JavaScript also owns.
#include <cerrno>
#include <cstdlib>

#include "binding_loop.h"

namespace sc {
namespace {

uv_loop_t *UvLoopOf(Napi::Env env) {
  uv_loop_t *loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  return loop;
}

}  // namespace

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
                         InstanceMethod<&Loop::Frame>("frame"),
                         InstanceAccessor<&Loop::MaxLine>("maxLine"),
                         InstanceMethod<&Loop::Trace>("trace"),
                         InstanceAccessor<&Loop::Records>("records"),
                     });
}

// new Loop(backend: string, maxFds: number, events: Int32Array,
//          onReady: (count: number, records: number) => void,
//          storage?: { lines: Uint8Array, records: Int32Array,
//                      stats: Float64Array })
Loop::Loop(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<Loop>(info), context_(info.Env(), "selectchat.Loop") {
  Napi::Env env = info.Env();
  int max_fds;

  sc_reader_init(&reader_);

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
  if (!info[4].IsUndefined() && !TakeStorage(env, info[4]))
    return;

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
  park_->stats = stats_.IsEmpty() ? nullptr : stats_.Value().Data();
  events_ = Napi::Persistent(events);
  on_ready_ = Napi::Persistent(info[3].As<Napi::Function>());
}

Loop::~Loop() { Release(); }

template <typename T>
static bool TypedMember(Napi::Object object, const char *name,
                        napi_typedarray_type type, size_t min, T *out) {
  Napi::Value value = object.Get(name);
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != type ||
      value.As<Napi::TypedArray>().ElementLength() < min) {
    Napi::TypeError::New(object.Env(), std::string("storage.") + name +
                                           " is missing or too small")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = value.As<T>();
  return true;
}

// The batch storage is JavaScript's; C reads and writes it only during a
// wait, and the references keep it alive as long as the loop.
bool Loop::TakeStorage(Napi::Env env, Napi::Value storage) {
  Napi::Uint8Array lines;
  Napi::Int32Array records;
  Napi::Float64Array stats;

  if (!storage.IsObject()) {
    Napi::TypeError::New(env, "storage must be an object")
        .ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object object = storage.As<Napi::Object>();
  if (!TypedMember(object, "lines", napi_uint8_array, 65536, &lines) ||
      !TypedMember(object, "records", napi_int32_array, 4096, &records) ||
      !TypedMember(object, "stats", napi_float64_array, SC_STAT_COUNT, &stats))
    return false;
  batch_.bytes = lines.Data();
  batch_.bytes_capacity = static_cast<int>(lines.ByteLength());
  batch_.records = reinterpret_cast<sc_line_t *>(records.Data());
  batch_.records_capacity = static_cast<int>(records.ElementLength() / 4);
  lines_ = Napi::Persistent(lines);
  line_records_ = Napi::Persistent(records);
  stats_ = Napi::Persistent(stats);
  return true;
}

// Read the framed fds of a batch; the other events are left to JavaScript.
int Loop::ReadFramed(int count) {
  records_ = 0;
  if (count > 0 && batch_.bytes != nullptr) {
    records_ = sc_reader_run(&reader_, park_->events, count, &batch_);
    park_->stats[SC_STAT_BYTES_IN] = reader_.bytes_in;
  }
  return records_;
}

// Hand the loop and the park to libuv's close path; both are freed there.
void Loop::Release() {
  if (park_ == nullptr)
    return;
  sc_reader_free(&reader_);
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
  int records = count > 0 ? self->ReadFramed(count) : 0;
  self->on_ready_.MakeCallback(
      self->Value(),
      {Napi::Number::New(env, count), Napi::Number::New(env, records)},
      self->context_);
  // A throwing handler must not unwind through libuv: report it the way
  // Node reports any uncaught exception.
  if (env.IsExceptionPending()) {
    Napi::Error error = env.GetAndClearPendingException();
    napi_fatal_exception(env, error.Value());
  }
}

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
