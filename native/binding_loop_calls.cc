// The methods of `Loop` that JavaScript calls: interest, waits, framing,
// tracing and accessors. Syscall-ish results are numbers (>= 0 or -errno).
#include <cerrno>

#include "binding_loop.h"

namespace sc {

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
  if (count == -EINTR)
    count = 0;
  ReadFramed(count);
  return Napi::Number::New(info.Env(), count);
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

// frame(fd, maxLine) -> 0 or a negated errno: read and split fd's input
// natively from now on (maxLine 0: stop). Needs the storage argument.
Napi::Value Loop::Frame(const Napi::CallbackInfo &info) {
  int fd;
  int max_line;

  if (!CheckOpen(info.Env()) || !ArgInt(info, 0, "fd", &fd) ||
      !ArgInt(info, 1, "maxLine", &max_line))
    return info.Env().Undefined();
  // Past what the batch can frame, JavaScript frames (-EMSGSIZE).
  int err = batch_.bytes == nullptr ? -ENOTSUP
            : max_line > SC_READER_MAX_LINE(batch_.bytes_capacity)
                ? -EMSGSIZE
                : sc_reader_frame(&reader_, fd, max_line);
  return Napi::Number::New(info.Env(), err);
}

// The longest maxLine frame() accepts (0 without the storage argument).
Napi::Value Loop::MaxLine(const Napi::CallbackInfo &info) {
  int max = batch_.bytes == nullptr ? 0
                                    : SC_READER_MAX_LINE(batch_.bytes_capacity);
  return Napi::Number::New(info.Env(), max);
}

// trace(on): time every wait and report empty ones too (--trace-loop).
Napi::Value Loop::Trace(const Napi::CallbackInfo &info) {
  if (CheckOpen(info.Env()))
    park_->trace = info[0].ToBoolean().Value() && park_->stats != nullptr;
  return info.Env().Undefined();
}

// Records of the last poll(), for runOnce.
Napi::Value Loop::Records(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), records_);
}

}  // namespace sc
