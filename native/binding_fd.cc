// N-API exports of fdio.h, one per C call. Hot-path calls (read, write,
// writev, accept) return numbers so that "would block" never builds an
// exception; only set-up calls (listen) throw coded errors.
#include <sys/socket.h>
#include <sys/uio.h>

#include <vector>

#include "binding.h"
#include "fdio.h"

namespace sc {
namespace {

Napi::Object AddressObject(Napi::Env env, const sc_address_t &address) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("address", Napi::String::New(env, address.host));
  result.Set("port", Napi::Number::New(env, address.port));
  result.Set("family", Napi::Number::New(env, address.family));
  return result;
}

Napi::Value Listen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int port;
  int backlog;

  if (!info[0].IsString()) {
    Napi::TypeError::New(env, "host must be a string")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!ArgInt(info, 1, "port", &port) || !ArgInt(info, 2, "backlog", &backlog))
    return env.Undefined();
  std::string host = info[0].As<Napi::String>().Utf8Value();
  int fd = sc_fd_listen(host.c_str(), port, backlog);
  if (fd < 0) {
    ThrowErrno(env, fd, "listen");
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

// The new fd with its peer's address, or a negated errno (-EAGAIN when no
// connection is waiting).
Napi::Value Accept(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  sc_address_t peer;
  int fd;

  if (!ArgInt(info, 0, "fd", &fd))
    return env.Undefined();
  int client = sc_fd_accept(fd, &peer);
  if (client < 0)
    return Napi::Number::New(env, client);
  Napi::Object result = AddressObject(env, peer);
  result.Set("fd", Napi::Number::New(env, client));
  return result;
}

Napi::Value AddressOf(const Napi::CallbackInfo &info, bool local) {
  Napi::Env env = info.Env();
  sc_address_t address;
  int fd;

  if (!ArgInt(info, 0, "fd", &fd))
    return env.Undefined();
  int err = local ? sc_fd_local_address(fd, &address)
                  : sc_fd_peer_address(fd, &address);
  if (err < 0) {
    ThrowErrno(env, err, local ? "getsockname" : "getpeername");
    return env.Undefined();
  }
  return AddressObject(env, address);
}

Napi::Value LocalAddress(const Napi::CallbackInfo &info) {
  return AddressOf(info, true);
}

Napi::Value PeerAddress(const Napi::CallbackInfo &info) {
  return AddressOf(info, false);
}

// read(fd, buffer, offset, length) and write(...): bytes moved, 0 at EOF
// (reads), or a negated errno (-EAGAIN: would block).
template <typename Bytes, ssize_t (*F)(int, Bytes, size_t)>
Napi::Value FdBytes(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint8_t *data;
  size_t length;
  int fd;

  if (!ArgInt(info, 0, "fd", &fd) || !ArgByteRange(info, 1, &data, &length))
    return env.Undefined();
  return Napi::Number::New(env, F(fd, data, length));
}

// Writes as many of `buffers` as one sendmsg() takes (at most IOV_MAX);
// returns the bytes written, which the caller uses to advance its queue.
Napi::Value Writev(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd;

  if (!ArgInt(info, 0, "fd", &fd))
    return env.Undefined();
  if (!info[1].IsArray()) {
    Napi::TypeError::New(env, "buffers must be an array")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array buffers = info[1].As<Napi::Array>();
  uint32_t count = buffers.Length();
  if (count > static_cast<uint32_t>(sc_fd_iov_max()))
    count = static_cast<uint32_t>(sc_fd_iov_max());
  std::vector<struct iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value item = buffers[i];
    if (!item.IsTypedArray() ||
        item.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      Napi::TypeError::New(env, "buffers must hold Buffers or Uint8Arrays")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Uint8Array bytes = item.As<Napi::Uint8Array>();
    iov[i].iov_base = bytes.Data();
    iov[i].iov_len = bytes.ByteLength();
  }
  return Napi::Number::New(env,
                           sc_fd_writev(fd, iov.data(), static_cast<int>(count)));
}

// sendRanges(buffer, table: Int32Array, rows) -> bytes written in total;
// see sc_fd_send_ranges. Rows whose range does not fit get -EINVAL.
Napi::Value SendRanges(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint8_t *data;
  size_t length;
  int rows;

  if (!ArgByteRange(info, 0, &data, &length) || !ArgInt(info, 3, "rows", &rows))
    return env.Undefined();
  if (!info[4].IsTypedArray() ||
      info[4].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      rows < 0 || static_cast<size_t>(rows) * 4 >
                      info[4].As<Napi::Int32Array>().ElementLength()) {
    Napi::TypeError::New(env, "table must be an Int32Array of rows")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int32_t *table = info[4].As<Napi::Int32Array>().Data();
  for (int i = 0; i < rows; i++) {
    int32_t *row = table + 4 * i;
    if (row[1] < 0 || row[2] < 0 ||
        static_cast<size_t>(row[1]) + static_cast<size_t>(row[2]) > length)
      row[0] = -1, row[2] = 0; // send(-1) fails with EBADF, not out of bounds
  }
  return Napi::Number::New(env, sc_fd_send_ranges(data, table, rows));
}

// Calls of the form f(fd, a, b) -> int, checked and returned as a number.
template <int (*F)(int, int, int)>
Napi::Value FdIntInt(const Napi::CallbackInfo &info) {
  int fd;
  int a = 0;
  int b = 0;

  if (!ArgInt(info, 0, "fd", &fd) ||
      (info.Length() > 1 && !ArgInt(info, 1, "argument", &a)) ||
      (info.Length() > 2 && !ArgInt(info, 2, "argument", &b)))
    return info.Env().Undefined();
  return Napi::Number::New(info.Env(), F(fd, a, b));
}

int Shutdown(int fd, int how, int) { return sc_fd_shutdown(fd, how); }
int Close(int fd, int, int) { return sc_fd_close(fd); }
int SetNoDelay(int fd, int on, int) { return sc_fd_set_nodelay(fd, on); }
int DupAbove(int fd, int min_fd, int) { return sc_fd_dup_above(fd, min_fd); }

Napi::Value RaiseLimit(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), sc_fd_raise_limit());
}

}  // namespace

Napi::Object InitFd(Napi::Env env, Napi::Object exports) {
  exports.Set("fdListen", Napi::Function::New<Listen>(env, "fdListen"));
  exports.Set("fdAccept", Napi::Function::New<Accept>(env, "fdAccept"));
  exports.Set("fdLocalAddress",
              Napi::Function::New<LocalAddress>(env, "fdLocalAddress"));
  exports.Set("fdPeerAddress",
              Napi::Function::New<PeerAddress>(env, "fdPeerAddress"));
  exports.Set("fdRead",
              Napi::Function::New<FdBytes<void *, sc_fd_read>>(env, "fdRead"));
  exports.Set("fdWrite", Napi::Function::New<FdBytes<const void *, sc_fd_write>>(
                             env, "fdWrite"));
  exports.Set("fdWritev", Napi::Function::New<Writev>(env, "fdWritev"));
  exports.Set("fdSendRanges",
              Napi::Function::New<SendRanges>(env, "fdSendRanges"));
  exports.Set("fdShutdown",
              Napi::Function::New<FdIntInt<Shutdown>>(env, "fdShutdown"));
  exports.Set("fdClose", Napi::Function::New<FdIntInt<Close>>(env, "fdClose"));
  exports.Set("fdSetNoDelay",
              Napi::Function::New<FdIntInt<SetNoDelay>>(env, "fdSetNoDelay"));
  exports.Set("fdSetKeepAlive", Napi::Function::New<FdIntInt<sc_fd_set_keepalive>>(
                                    env, "fdSetKeepAlive"));
  exports.Set("fdDupAbove",
              Napi::Function::New<FdIntInt<DupAbove>>(env, "fdDupAbove"));
  exports.Set("fdRaiseLimit",
              Napi::Function::New<RaiseLimit>(env, "fdRaiseLimit"));
  exports.Set("IOV_MAX", Napi::Number::New(env, sc_fd_iov_max()));
  exports.Set("SHUT_RD", Napi::Number::New(env, SHUT_RD));
  exports.Set("SHUT_WR", Napi::Number::New(env, SHUT_WR));
  exports.Set("SHUT_RDWR", Napi::Number::New(env, SHUT_RDWR));
  return exports;
}

}  // namespace sc
