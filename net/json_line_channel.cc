// JsonLineChannel: bounded line reading, the outbox writer and the watchdog;
// see json_line_channel.h.
#include "net/json_line_channel.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "net/endpoint.h"
#include "net/sleep.h"

namespace drdaplex::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = JsonLineChannel::Clock;

namespace {

// Parses one line into a JSON object; nullopt and *error when it is not one.
std::optional<nlohmann::json> ParseObject(std::string_view line, size_t max_depth,
                                          std::string* error) {
  // Depth is checked while parsing: a too-deep value is discarded as soon as
  // it opens, so a line of 60,000 '[' never becomes a 60,000-level tree.
  bool too_deep = false;
  const nlohmann::json::parser_callback_t limit_depth =
      [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        const bool opens = event == nlohmann::json::parse_event_t::object_start ||
                           event == nlohmann::json::parse_event_t::array_start;
        if (opens && static_cast<size_t>(depth) + 1 > max_depth) {
          too_deep = true;
          return false;
        }
        return true;
      };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(line.begin(), line.end(), limit_depth);
  } catch (const nlohmann::json::exception& e) {
    *error = fmt::format("not JSON: {}", e.what());
    return std::nullopt;
  }
  if (too_deep) {
    *error = fmt::format("JSON nested deeper than {} levels", max_depth);
    return std::nullopt;
  }
  if (!value.is_object()) {
    *error = fmt::format("expected a JSON object, got {}", value.type_name());
    return std::nullopt;
  }
  return value;
}

}  // namespace

const char* JsonLineChannel::EndReasonName(EndReason reason) {
  switch (reason) {
    case EndReason::kConversationEnded: return "conversation-ended";
    case EndReason::kPeerClosed: return "peer-closed";
    case EndReason::kTimedOut: return "timed-out";
    case EndReason::kWriteFailed: return "write-failed";
    case EndReason::kClosedLocally: return "closed-locally";
  }
  return "unknown";
}

JsonLineChannel::JsonLineChannel(asio::ip::tcp::socket socket, ChannelOptions options)
    : socket_(std::move(socket)),
      options_(options),
      writer_wake_(socket_.get_executor()),
      watchdog_timer_(socket_.get_executor()) {
  boost::system::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  peer_ = ec ? "?" : FormatEndpoint(remote);
}

JsonLineChannel::~JsonLineChannel() { Close(); }

awaitable<JsonLineChannel::ReadResult> JsonLineChannel::Read() {
  for (;;) {
    if (closed_) co_return ReadResult{ReadStatus::kClosed, {}, "closed"};
    boost::system::error_code ec;
    // The dynamic buffer's bound is what keeps a line without '\n' from
    // growing memory: the read stops with not_found at max_line + 1 bytes.
    const size_t n = co_await asio::async_read_until(
        socket_, asio::dynamic_buffer(read_buffer_, options_.max_line + 1), '\n',
        asio::redirect_error(use_awaitable, ec));
    // A read that completed just before Close() still counts as closed: the
    // owner may be gone, and nothing read after Close() is acted on.
    if (closed_) co_return ReadResult{ReadStatus::kClosed, {}, "closed"};
    if (ec == asio::error::not_found) {
      co_return ReadResult{ReadStatus::kTooLong, {},
                           fmt::format("line longer than {} bytes", options_.max_line)};
    }
    if (ec) {
      SetEnd(EndReason::kPeerClosed, ec == asio::error::eof ? "end of stream" : ec.message());
      co_return ReadResult{ReadStatus::kClosed, {}, end_detail_};
    }
    std::string_view line(read_buffer_.data(), n - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      read_buffer_.erase(0, n);
      continue;
    }
    ReadResult result;
    auto object = ParseObject(line, options_.max_depth, &result.error);
    read_buffer_.erase(0, n);
    if (!object) {
      result.status = ReadStatus::kInvalid;
      co_return result;
    }
    result.status = ReadStatus::kMessage;
    result.message = std::move(*object);
    co_return result;
  }
}

template <typename Json>
bool JsonLineChannel::SendJson(const Json& message) {
  // replace: a string that is not UTF-8 must not turn a send into a throw.
  return SendLine(message.dump(-1, ' ', false, Json::error_handler_t::replace));
}

bool JsonLineChannel::Send(const nlohmann::json& message) { return SendJson(message); }

bool JsonLineChannel::Send(const nlohmann::ordered_json& message) { return SendJson(message); }

bool JsonLineChannel::SendLine(std::string_view line) {
  if (closed_) return false;
  const size_t pending = outbox_.size() + (writing_.size() - written_);
  if (pending + line.size() + 1 > options_.max_queued_bytes) {
    SetEnd(EndReason::kWriteFailed,
           fmt::format("more than {} bytes of output queued: the peer is not reading",
                       options_.max_queued_bytes));
    Close();
    return false;
  }
  outbox_.append(line);
  outbox_ += '\n';
  writer_wake_.cancel();
  return true;
}

void JsonLineChannel::ExpireAfter(std::chrono::milliseconds timeout) {
  read_deadline_ = Clock::now() + timeout;
  PokeWatchdog();
}

void JsonLineChannel::ExpireNever() { read_deadline_ = Clock::time_point::max(); }

void JsonLineChannel::PokeWatchdog() {
  // Only an earlier deadline needs the sleeping watchdog woken; a later one
  // is noticed when it wakes at the old one.
  if (std::min(read_deadline_, write_deadline_) < watchdog_timer_.expiry()) {
    watchdog_timer_.cancel();
  }
}

void JsonLineChannel::SetEnd(EndReason reason, std::string detail) {
  if (ended_) return;
  ended_ = true;
  end_reason_ = reason;
  end_detail_ = std::move(detail);
}

void JsonLineChannel::Finish() {
  if (finish_requested_ || closed_) return;
  finish_requested_ = true;
  watchdog_timer_.cancel();
}

void JsonLineChannel::Close() {
  if (closed_) return;
  SetEnd(EndReason::kClosedLocally, "closed");
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  writer_wake_.cancel();
  watchdog_timer_.cancel();
}

awaitable<void> JsonLineChannel::WriteLoop() {
  for (;;) {
    if (closed_) co_return;
    if (written_ == writing_.size()) {
      writing_.clear();
      written_ = 0;
      std::swap(writing_, outbox_);  // Everything queued goes out in one write.
    }
    if (writing_.empty()) {
      if (finishing_) co_return;
      writer_wake_.expires_at(Clock::time_point::max());
      boost::system::error_code ec;
      co_await writer_wake_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (co_await IsCancelled()) co_return;
      continue;
    }
    write_deadline_ = Clock::now() + options_.write_timeout;
    PokeWatchdog();
    boost::system::error_code ec;
    const size_t n = co_await socket_.async_write_some(
        asio::buffer(writing_.data() + written_, writing_.size() - written_),
        asio::redirect_error(use_awaitable, ec));
    write_deadline_ = Clock::time_point::max();
    // Counted even on error: a write cancelled half-way must not be repeated.
    written_ += n;
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        SetEnd(EndReason::kWriteFailed, ec.message());
        Close();
      }
      co_return;
    }
  }
}

awaitable<void> JsonLineChannel::Watchdog(bool or_finish) {
  for (;;) {
    if (closed_ || (or_finish && finish_requested_)) co_return;
    const auto now = Clock::now();
    if (write_deadline_ <= now) {
      SetEnd(EndReason::kWriteFailed, fmt::format("a write made no progress for {} ms",
                                                  options_.write_timeout.count()));
      co_return;
    }
    if (read_deadline_ <= now) {
      SetEnd(EndReason::kTimedOut, "read deadline passed");
      co_return;
    }
    watchdog_timer_.expires_at(std::min(read_deadline_, write_deadline_));
    boost::system::error_code ec;
    co_await watchdog_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (co_await IsCancelled()) co_return;
  }
}

awaitable<JsonLineChannel::EndReason> JsonLineChannel::Run(awaitable<void> conversation) {
  using namespace asio::experimental::awaitable_operators;
  std::exception_ptr failure;
  try {
    const auto first = co_await (std::move(conversation) || WriteLoop() || Watchdog(true));
    if (first.index() == 0 || (first.index() == 2 && finish_requested_ && !ended_)) {
      SetEnd(EndReason::kConversationEnded, "");
      if (!closed_) {
        // The conversation's last words (an error reply, say) still go out,
        // within the write timeout; nothing more is read.
        finishing_ = true;
        read_deadline_ = Clock::time_point::max();
        co_await (WriteLoop() || Watchdog(false));
      }
    }
  } catch (...) {
    failure = std::current_exception();
  }
  Close();
  if (failure) std::rethrow_exception(failure);
  co_return end_reason_;
}

}  // namespace drdaplex::net
