{
  "targets": [
    {
      "target_name": "selectchat",
      "sources": [
        "native/loop.c",
        "native/backend_select.c",
        "native/backend_poll.c",
        "native/fdio.c",
        "native/park.c",
        "native/lines.c",
        "native/reader.c",
        "native/binding.cc",
        "native/binding_fd.cc",
        "native/binding_loop.cc",
        "native/binding_loop_calls.cc"
      ],
      "conditions": [
        [
          "OS=='linux'",
          {
            "sources": ["native/backend_epoll.c"],
            "defines": ["SC_HAVE_EPOLL"]
          }
        ]
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=c++17"]
    }
  ]
}
