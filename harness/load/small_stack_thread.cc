#include "harness/load/small_stack_thread.h"


#include <cstring>
#include <utility>

namespace drdaplex::load {

namespace {
void* RunBody(void* arg) {
  std::unique_ptr<std::function<void()>> body(static_cast<std::function<void()>*>(arg));
  (*body)();
  return nullptr;
}
}  // namespace

SmallStackThread::SmallStackThread(SmallStackThread&& other) noexcept
    : thread_(other.thread_), joinable_(std::exchange(other.joinable_, false)) {}

SmallStackThread& SmallStackThread::operator=(SmallStackThread&& other) noexcept {
  if (this != &other) {
    Join();
    thread_ = other.thread_;
    joinable_ = std::exchange(other.joinable_, false);
  }
  return *this;
}

SmallStackThread::~SmallStackThread() { Join(); }

bool SmallStackThread::Start(std::function<void()> body, size_t stack_bytes, std::string* error) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  const size_t minimum = static_cast<size_t>(PTHREAD_STACK_MIN);
  pthread_attr_setstacksize(&attr, stack_bytes < minimum ? minimum : stack_bytes);
  auto* arg = new std::function<void()>(std::move(body));
  const int rc = pthread_create(&thread_, &attr, RunBody, arg);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    delete arg;
    *error = std::string("pthread_create: ") + std::strerror(rc);
    return false;
  }
  joinable_ = true;
  return true;
}

void SmallStackThread::Join() {
  if (joinable_) {
    pthread_join(thread_, nullptr);
    joinable_ = false;
  }
}

}  // namespace drdaplex::load
