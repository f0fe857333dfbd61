#include "harness/faults/expectations.h"

#include <algorithm>

#include <fmt/format.h>

namespace drdaplex::faults {
namespace {

bool Within(double t, double from, const std::optional<double>& until) {
  return t >= from && (!until || t < *until);
}

std::string Window(const Expectation& expect) {
  return expect.until_s ? fmt::format("{:g}-{:g} s", expect.from_s, *expect.until_s)
                        : fmt::format("after {:g} s", expect.from_s);
}

// New connections opened in the expectation's window, and those of them
// that landed on its target.
struct Landings {
  int opened = 0, landed = 0;
  std::optional<double> first;  // when the first of them landed on the target
};

Landings CountLandings(const Expectation& expect, const Observations& seen) {
  Landings count;
  for (const Landing& c : seen.connections) {
    if (!Within(c.opened_s, expect.from_s, expect.until_s)) continue;
    ++count.opened;
    if (!c.LandedOn(expect.target)) continue;
    ++count.landed;
    if (!count.first || c.opened_s < *count.first) count.first = c.opened_s;
  }
  return count;
}

std::string LandingDetail(const Expectation& expect, const Landings& count) {
  return fmt::format("{} of {} new connections {} on {}", count.landed, count.opened,
                     Window(expect), expect.target);
}

Verdict NoNew(const Expectation& expect, const Observations& seen) {
  Landings count = CountLandings(expect, seen);
  Verdict v;
  v.ok = count.landed == 0;
  v.detail = LandingDetail(expect, count);
  if (count.first) v.detail += fmt::format(" (first at {:.2f} s)", *count.first);
  return v;
}

Verdict New(const Expectation& expect, const Observations& seen) {
  Landings count = CountLandings(expect, seen);
  Verdict v;
  v.ok = count.landed > 0;
  v.detail = LandingDetail(expect, count);
  if (count.first) {
    v.detail += fmt::format(", the first {:.2f} s after {:g} s", *count.first - expect.from_s,
                            expect.from_s);
  }
  return v;
}

Verdict Reconnect(const Expectation& expect, const Observations& seen) {
  double worst = 0;
  int late = 0, never = 0;
  for (const Lost& lost : seen.outages) {
    if (lost.recovered_s) {
      double took = *lost.recovered_s - lost.failed_s;
      worst = std::max(worst, took);
      late += took > expect.seconds;
    } else if (seen.run_end_s - lost.failed_s > expect.seconds) {
      ++never;  // still without a connection well after the limit
    }
  }
  Verdict v;
  v.ok = late == 0 && never == 0;
  v.detail = fmt::format("{} outages, longest {:.2f} s", seen.outages.size(), worst);
  if (late) v.detail += fmt::format(", {} over {:g} s", late, expect.seconds);
  if (never) v.detail += fmt::format(", {} never reconnected", never);
  return v;
}

Verdict Unmoved(const Expectation& expect, const Observations& seen) {
  int alive = 0, disturbed = 0;
  std::string first_end;
  for (const Landing& c : seen.connections) {
    bool open_at = c.opened_s < expect.from_s && (!c.closed_s || *c.closed_s >= expect.from_s);
    if (!open_at) continue;
    ++alive;
    bool undisturbed = c.end == "run-end" || c.end == "per-transaction";
    if (!undisturbed) {
      if (disturbed++ == 0) first_end = c.end;
    }
  }
  Verdict v;
  v.ok = disturbed == 0;
  v.detail = fmt::format("{} of {} connections open at {:g} s broke afterwards", disturbed, alive,
                         expect.from_s);
  if (disturbed) v.detail += " (" + first_end + ")";
  return v;
}

Verdict Outages(const Expectation& expect, const Observations& seen) {
  int counted = 0;
  for (const Lost& lost : seen.outages) counted += Within(lost.failed_s, expect.from_s, expect.until_s);
  Verdict v;
  v.ok = counted <= expect.count;
  v.detail = fmt::format("{} outages {}", counted, Window(expect));
  return v;
}

}  // namespace

std::string Describe(const Expectation& expect) {
  std::string until = expect.until_s ? fmt::format(" UNTIL={:g}", *expect.until_s) : "";
  switch (expect.kind) {
    case ExpectKind::kNoNew:
      return fmt::format("NONEW={} FROM={:g}{}", expect.target, expect.from_s, until);
    case ExpectKind::kNew:
      return fmt::format("NEW={} AFTER={:g}{}", expect.target, expect.from_s, until);
    case ExpectKind::kReconnect:
      return fmt::format("RECONNECT={:g}", expect.seconds);
    case ExpectKind::kUnmoved:
      return fmt::format("UNMOVED=Y AFTER={:g}", expect.from_s);
    case ExpectKind::kOutages:
      return fmt::format("OUTAGES={} FROM={:g}{}", expect.count, expect.from_s, until);
  }
  return "?";
}

Verdict Judge(const Expectation& expect, const Observations& seen) {
  Verdict v;
  switch (expect.kind) {
    case ExpectKind::kNoNew: v = NoNew(expect, seen); break;
    case ExpectKind::kNew: v = New(expect, seen); break;
    case ExpectKind::kReconnect: v = Reconnect(expect, seen); break;
    case ExpectKind::kUnmoved: v = Unmoved(expect, seen); break;
    case ExpectKind::kOutages: v = Outages(expect, seen); break;
  }
  v.statement = Describe(expect);
  return v;
}

std::vector<Verdict> JudgeAll(const std::vector<Expectation>& expects, const Observations& seen) {
  std::vector<Verdict> verdicts;
  verdicts.reserve(expects.size());
  for (const Expectation& expect : expects) verdicts.push_back(Judge(expect, seen));
  return verdicts;
}

}  // namespace drdaplex::faults
