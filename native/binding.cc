// The addon's entry point and the helpers every export shares. Policy lives
// in TypeScript: these functions check argument types and hand syscall
// results back as plain numbers (>= 0, or a negated errno).
#include "binding.h"

#include <uv.h>

#include <cmath>
#include <cstdint>

namespace sc {

void ThrowErrno(Napi::Env env, int err, const char *syscall) {
  // libuv's codes are negated errnos on Unix, so its tables name ours.
  std::string message = std::string(syscall) + " " + uv_err_name(err) + ": " +
                        uv_strerror(err);
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, uv_err_name(err)));
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  error.ThrowAsJavaScriptException();
}

bool ArgInt(const Napi::CallbackInfo &info, size_t i, const char *name,
            int *out) {
  if (!info[i].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a number")
        .ThrowAsJavaScriptException();
    return false;
  }
  // Int32Value() would wrap 2**32 + 1 to fd 1: refuse what is not exactly
  // an int32 instead of acting on some other fd.
  double value = info[i].As<Napi::Number>().DoubleValue();
  if (!(value >= INT32_MIN && value <= INT32_MAX) || value != std::trunc(value)) {
    Napi::RangeError::New(info.Env(),
                          std::string(name) + " must be a 32-bit integer")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

bool ArgByteRange(const Napi::CallbackInfo &info, size_t i, uint8_t **data,
                  size_t *length) {
  Napi::Env env = info.Env();
  int offset;
  int count;

  if (!info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Napi::TypeError::New(env, "buffer must be a Buffer or Uint8Array")
        .ThrowAsJavaScriptException();
    return false;
  }
  if (!ArgInt(info, i + 1, "offset", &offset) ||
      !ArgInt(info, i + 2, "length", &count))
    return false;
  Napi::Uint8Array bytes = info[i].As<Napi::Uint8Array>();
  if (offset < 0 || count < 0 ||
      static_cast<size_t>(offset) + static_cast<size_t>(count) >
          bytes.ByteLength()) {
    Napi::RangeError::New(env, "offset and length must lie within the buffer")
        .ThrowAsJavaScriptException();
    return false;
  }
  *data = bytes.Data() + offset;
  *length = static_cast<size_t>(count);
  return true;
}

}  // namespace sc

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  sc::InitLoop(env, exports);
  sc::InitFd(env, exports);
  return exports;
}

NODE_API_MODULE(selectchat, Init)
