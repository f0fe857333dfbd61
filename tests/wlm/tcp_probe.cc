// IoThread for the WLM tests; see tcp_probe.h.
#include "tests/wlm/tcp_probe.h"

#include <boost/asio/post.hpp>
#include <future>

namespace drdaplex::testing {

IoThread::IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}

IoThread::~IoThread() {
  guard_.reset();
  io_.stop();
  thread_.join();
}

void IoThread::Run(const std::function<void()>& fn) {
  std::promise<void> done;
  boost::asio::post(io_, [&] {
    try {
      fn();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();  // rethrows what fn threw
}

}  // namespace drdaplex::testing
