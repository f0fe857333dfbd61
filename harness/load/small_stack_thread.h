// SmallStackThread: a joinable thread with a stack of a chosen size. A
// thousand bench clients with glibc's default 8 MiB stacks reserve 8 GiB of
// address space; 256 KiB each is plenty for the driver. Movable, not
// copyable; Join before destruction (the destructor joins if needed).
#pragma once

#include <pthread.h>

#include <functional>
#include <memory>
#include <string>

namespace drdaplex::load {

class SmallStackThread {
 public:
  SmallStackThread() = default;
  SmallStackThread(SmallStackThread&& other) noexcept;
  SmallStackThread& operator=(SmallStackThread&& other) noexcept;
  SmallStackThread(const SmallStackThread&) = delete;
  SmallStackThread& operator=(const SmallStackThread&) = delete;
  ~SmallStackThread();

  // Starts `body`; false with the reason in *error when no thread could be made.
  bool Start(std::function<void()> body, size_t stack_bytes, std::string* error);
  void Join();

 private:
  pthread_t thread_{};
  bool joinable_ = false;
};

}  // namespace drdaplex::load
