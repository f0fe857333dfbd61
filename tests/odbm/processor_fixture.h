// A CommandProcessor over a fresh SQLite file with user app/secret, and
// helpers to split byte streams into request chains and replies into the
// objects they carry.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "config/user_registry.h"
#include "drda/dss.h"
#include "odbm/command_processor.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::odbm::testing {

// (correlator, code point) of every object of every DSS, in order.
struct ObjectRef {
  uint16_t correlator;
  drda::cp::CodePoint code_point;
  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

inline std::vector<std::vector<drda::Dss>> SplitChains(drda::ByteSpan stream) {
  std::vector<std::vector<drda::Dss>> chains(1);
  drda::DssStreamParser parser;
  parser.Append(stream);
  for (;;) {
    auto next = parser.Next();
    EXPECT_TRUE(next) << next.error().message();
    if (!next || !*next) break;
    const bool last = !(*next)->header.chained;
    chains.back().push_back(std::move(**next));
    if (last) chains.emplace_back();
  }
  if (chains.back().empty()) chains.pop_back();
  return chains;
}

inline std::vector<ObjectRef> ObjectsOf(const std::vector<drda::Dss>& chain) {
  std::vector<ObjectRef> out;
  for (const auto& dss : chain) {
    auto objects = drda::ReadObjects(dss.payload);
    EXPECT_TRUE(objects);
    if (!objects) continue;
    for (const auto& o : *objects) out.push_back({dss.header.correlator, o.code_point});
  }
  return out;
}

inline std::string Describe(const std::vector<ObjectRef>& refs) {
  std::string s;
  for (const auto& r : refs) s += std::to_string(r.correlator) + ":" + drda::cp::Name(r.code_point) + " ";
  return s;
}

class ProcessorTest : public ::testing::Test {
 protected:
  ProcessorTest()
      : users_({config::UserConfig{"app", config::HashPassword("secret"), false}}),
        directory_("ODBMB1", {{"IMS1", {"IM1A", "IO1A"}, dir_.File("shared.db")},
                              {"IMS2", {"IM1A", "IO2A"}, dir_.File("shared.db")}}) {
    context_.directory = &directory_;
    context_.users = &users_;
    processor_ = std::make_unique<CommandProcessor>(context_);
  }

  // Runs one chain through the processor and returns the reply DSSes.
  std::vector<drda::Dss> Process(const std::vector<drda::Dss>& chain) {
    drda::Bytes reply;
    processor_->ProcessChain(chain, reply);
    auto chains = SplitChains(reply);
    EXPECT_LE(chains.size(), 1u) << "a reply must be exactly one chain";
    return chains.empty() ? std::vector<drda::Dss>{} : chains[0];
  }

  drdaplex::testing::TempDir dir_;
  config::UserRegistry users_;
  DatastoreDirectory directory_;
  OdbmContext context_;
  std::unique_ptr<CommandProcessor> processor_;
};

}  // namespace drdaplex::odbm::testing
