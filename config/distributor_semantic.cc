// The distributor file's rules (see distributor_semantic.h). One
// DistributorBuilder per parse; nothing shared between calls.
#include "config/distributor_semantic.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/semantic_support.h"
#include "config/shared_statements.h"

namespace drdaplex::config {
namespace {

using detail::CheckImsName;
using detail::Params;
using detail::ParseNumber;
using detail::kMaxPort;
using detail::kMaxRank;
using detail::kMinRank;
using detail::Upper;

constexpr int kMinWeight = 1;  // DESTIP WEIGHT
constexpr int kMaxWeight = 99;
constexpr std::string_view kAllSystems = "ALL";

constexpr std::string_view kDistributorStatements =
    "DISTRIBUTOR, VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE, DESTIP, REGISTRY "
    "or ADMIN";

// Statements of the other kinds of file, named when they turn up here by
// mistake, with the kind of file they belong in.
struct ForeignStatement {
  std::string_view keyword;
  std::string_view file_kind;
};
constexpr ForeignStatement kForeignStatements[] = {
    {"ODBM", "an ODBM"},     {"DATASTORE", "an ODBM"},
    {"ALIAS", "an ODBM"},    {"DATABASE", "an ODBM"},
    {"OPTIONS", "an ODBM"},  {"HWS", "a router"},
    {"TCPIP", "a router"},   {"ODACCESS", "a router"},
    {"SYSPLEX", "a router"}, {"EXIT", "a router"},
    {"AUTH", "a router"},    {"USER", "a router or ODBM"},
};

class DistributorBuilder {
 public:
  explicit DistributorBuilder(const ErrorHandler& handler)
      : handler_(handler) {}

  DistributorConfig Build(const ast::ConfigFile& file) {
    const ast::Statement* distributor = nullptr;
    const ast::Statement* vipa = nullptr;  // VIPADEFINE or VIPABACKUP
    const ast::Statement* distribute = nullptr;
    const ast::Statement* registry = nullptr;
    const ast::Statement* admin = nullptr;
    std::vector<const ast::Statement*> destips;
    for (const ast::Statement& statement : file) {
      std::string keyword = Upper(statement.keyword);
      if (keyword == "DISTRIBUTOR") {
        Once(statement, distributor);
      } else if (keyword == "VIPADEFINE" || keyword == "VIPABACKUP") {
        OneVipa(statement, vipa);
      } else if (keyword == "VIPADISTRIBUTE") {
        Once(statement, distribute);
      } else if (keyword == "DESTIP") {
        destips.push_back(&statement);
      } else if (keyword == "REGISTRY") {
        Once(statement, registry);
      } else if (keyword == "ADMIN") {
        Once(statement, admin);
      } else {
        Unknown(statement, keyword);
      }
    }
    if (distributor == nullptr) {
      handler_.source().Fail(0,
                             "no DISTRIBUTOR statement; a distributor "
                             "configuration needs DISTRIBUTOR(NAME=name)");
    }
    if (vipa == nullptr) {
      handler_.source().Fail(
          0,
          "no VIPADEFINE or VIPABACKUP statement; a distributor "
          "configuration needs VIPADEFINE(ADDRESS=dvipa) to own the DVIPA "
          "or VIPABACKUP(ADDRESS=dvipa, RANK=n) to back it up");
    }
    if (distribute == nullptr) {
      handler_.source().Fail(0,
                             "no VIPADISTRIBUTE statement; a distributor "
                             "configuration needs "
                             "VIPADISTRIBUTE(PORT=port)");
    }
    ReadDistributor(*distributor);
    ReadVipa(*vipa);
    // Before the DESTIPs, which the method decides the rules of, wherever
    // they stand in the file.
    ReadDistribute(*distribute);
    for (const ast::Statement* destip : destips) ReadDestIp(*destip);
    CheckHotStandby();
    if (registry != nullptr) {
      config_.registry_address =
          ReadAddressStatement(*registry, /*allow_any_port=*/false);
    }
    if (admin != nullptr) {
      config_.admin_address =
          ReadAddressStatement(*admin, /*allow_any_port=*/true);
    }
    return std::move(config_);
  }

 private:
  // Statements that may appear at most once.
  void Once(const ast::Statement& statement, const ast::Statement*& first) {
    detail::TakeOnce(statement, first, handler_);
  }

  // VIPADEFINE and VIPABACKUP exclude each other: a distributor either owns
  // the DVIPA or stands by to take it over.
  void OneVipa(const ast::Statement& statement, const ast::Statement*& first) {
    if (first != nullptr && Upper(first->keyword) != Upper(statement.keyword)) {
      handler_.Fail(
          statement,
          fmt::format(
              "{} after {} (line {}); a distributor either owns the DVIPA "
              "(VIPADEFINE) or backs it up (VIPABACKUP), not both",
              Upper(statement.keyword), Upper(first->keyword),
              handler_.PositionOf(*first).line));
    }
    Once(statement, first);
  }

  [[noreturn]] void Unknown(const ast::Statement& statement,
                            const std::string& keyword) const {
    for (const ForeignStatement& foreign : kForeignStatements) {
      if (keyword == foreign.keyword) {
        handler_.Fail(statement, fmt::format("{} belongs in {} configuration, "
                                             "not a distributor's; expected {}",
                                             keyword, foreign.file_kind,
                                             kDistributorStatements));
      }
    }
    handler_.Fail(statement,
                  fmt::format("unknown statement '{}'; expected {}",
                              statement.keyword, kDistributorStatements));
  }

  void ReadDistributor(const ast::Statement& statement) {
    Params params(statement, handler_, {"NAME"}, {});
    const ast::Value& name = params.Require("NAME");
    CheckImsName(name, "distributor name", handler_);
    config_.name = name.text;
  }

  // VIPADEFINE(ADDRESS=, MOVEABLE=) or VIPABACKUP(ADDRESS=, RANK=).
  void ReadVipa(const ast::Statement& statement) {
    config_.backup = Upper(statement.keyword) == "VIPABACKUP";
    if (config_.backup) {
      // Named here rather than as an unknown keyword: z/OS writes MOVEABLE
      // on VIPABACKUP too, but here the owner's VIPADEFINE alone decides
      // when the DVIPA goes back to it.
      for (const ast::Param& param : statement.params) {
        const ast::Setting* setting = detail::AsSetting(param);
        if (setting != nullptr && Upper(setting->keyword) == "MOVEABLE") {
          handler_.Fail(*setting,
                        "MOVEABLE is for VIPADEFINE only: the owner's "
                        "MOVEABLE says when a backup gives the DVIPA back");
        }
      }
    }
    Params params(statement, handler_,
                  config_.backup ? detail::KeywordList{"ADDRESS", "RANK"}
                                 : detail::KeywordList{"ADDRESS", "MOVEABLE"},
                  {});
    config_.dvipa = IpLiteral(params.Require("ADDRESS"));
    if (config_.backup) {
      config_.backup_rank = ParseNumber(params.Require("RANK"), "RANK",
                                        kMinRank, kMaxRank, handler_);
    } else if (const ast::Value* moveable = params.Find("MOVEABLE")) {
      config_.moveable_when_idle = detail::ParseMoveableWhenIdle(*moveable, handler_);
    }
  }

  // The DVIPA: one IPv4 or IPv6 address, written without brackets. Not the
  // unspecified address, which no distributor could own alone.
  std::string IpLiteral(const ast::Value& value) const {
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, value.text.c_str(), &v4) == 1) {
      if (v4.s_addr == htonl(INADDR_ANY)) Unspecified(value);
    } else if (inet_pton(AF_INET6, value.text.c_str(), &v6) == 1) {
      if (IN6_IS_ADDR_UNSPECIFIED(&v6)) Unspecified(value);
    } else {
      handler_.Fail(value, fmt::format("ADDRESS '{}' is not an IPv4 or IPv6 "
                                       "address (as in 10.77.0.100 or "
                                       "fd00::100)",
                                       value.text));
    }
    return value.text;
  }
  [[noreturn]] void Unspecified(const ast::Value& value) const {
    handler_.Fail(value, fmt::format("ADDRESS '{}' is the unspecified "
                                     "address; the DVIPA must be one address "
                                     "that moves between distributors",
                                     value.text));
  }

  void ReadDistribute(const ast::Statement& statement) {
    Params params(
        statement, handler_,
        {"PORT", "DISTMETHOD", "SHAREPORT", "TSRINTERVAL", "PROBEINTERVAL",
         "AUTOSWITCHBACK", "HEALTHSWITCH", "HANDOFFTMOT"},
        {});
    // Port 0 asks for any free port, for tests.
    config_.port = static_cast<uint16_t>(
        ParseNumber(params.Require("PORT"), "PORT", 0, kMaxPort, handler_));
    detail::ReadDistributionSettings(params, config_, &method_node_, handler_);
  }

  bool HotStandby() const {
    return config_.method == DistMethodConfig::kHotStandby;
  }

  // DESTIP(SYSTEM=, WEIGHT=, ROLE=, RANK=).
  void ReadDestIp(const ast::Statement& statement) {
    Params params(statement, handler_, {"SYSTEM", "WEIGHT", "ROLE", "RANK"},
                  {});
    DestIpConfig destip;
    destip.position = handler_.PositionOf(statement);
    const ast::Value& system = params.Require("SYSTEM");
    destip.system = Upper(system.text);
    if (destip.system != kAllSystems) {
      CheckImsName(system, "SYSTEM name", handler_);
    }
    CheckSystemOnce(system, destip.system);

    if (const ast::Value* weight = params.Find("WEIGHT")) {
      destip.weight =
          ParseNumber(*weight, "WEIGHT", kMinWeight, kMaxWeight, handler_);
    }
    const ast::Value* role = params.Find("ROLE");
    const ast::Value* rank = params.Find("RANK");
    if (!HotStandby()) {
      if (role != nullptr) NotHotStandby(*role, "ROLE");
      if (rank != nullptr) NotHotStandby(*rank, "RANK");
      config_.destips.push_back(std::move(destip));
      return;
    }
    if (destip.system == kAllSystems) {
      handler_.Fail(system,
                    "DISTMETHOD=HOTSTANDBY needs its targets named: "
                    "SYSTEM=ALL cannot be PREFERRED or BACKUP");
    }
    if (role == nullptr) {
      handler_.Fail(statement,
                    "with DISTMETHOD=HOTSTANDBY each DESTIP needs "
                    "ROLE=PREFERRED or ROLE=BACKUP");
    }
    std::string word = Upper(role->text);
    if (word == "PREFERRED") {
      destip.role = DestIpConfig::Role::kPreferred;
      if (preferred_) {
        const DestIpConfig& first = config_.destips[*preferred_];
        handler_.Fail(
            *role,
            fmt::format(
                "second PREFERRED target (the first is system {} at line {}); "
                "HOTSTANDBY has exactly one",
                first.system, first.position.line));
      }
      if (rank != nullptr) {
        handler_.Fail(*rank,
                      "RANK is for BACKUP targets; the PREFERRED "
                      "target comes before every backup");
      }
    } else if (word == "BACKUP") {
      destip.role = DestIpConfig::Role::kBackup;
      if (rank == nullptr) {
        handler_.Fail(
            statement,
            fmt::format(
                "a BACKUP DESTIP needs RANK= ({} to {}; the highest takes over "
                "first)",
                kMinRank, kMaxRank));
      }
      destip.rank = ParseNumber(*rank, "RANK", kMinRank, kMaxRank, handler_);
      for (const DestIpConfig& earlier : config_.destips) {
        if (earlier.rank == destip.rank) {
          handler_.Fail(
              *rank,
              fmt::format("BACKUP rank {} is given twice (the first is system "
                          "{} at line "
                          "{}); ranks order the backups, so each must differ",
                          destip.rank, earlier.system, earlier.position.line));
        }
      }
    } else {
      handler_.Fail(*role, "ROLE must be PREFERRED or BACKUP");
    }
    if (destip.role == DestIpConfig::Role::kPreferred) {
      preferred_ = config_.destips.size();
    }
    config_.destips.push_back(std::move(destip));
  }

  // One DESTIP per system; SYSTEM=ALL covers them all and so stands alone.
  void CheckSystemOnce(const ast::Value& node, const std::string& system) {
    if (auto it = system_nodes_.find(system); it != system_nodes_.end()) {
      handler_.Fail(
          node,
          fmt::format(
              "second DESTIP for system '{}' (system names ignore case; the "
              "first is at line {})",
              node.text, handler_.PositionOf(*it->second).line));
    }
    const ast::Value* other = nullptr;
    if (auto all = system_nodes_.find(kAllSystems);
        all != system_nodes_.end()) {
      other = all->second;
    } else if (system == kAllSystems) {
      other = first_system_;
    }
    if (other != nullptr) {
      handler_.Fail(
          node,
          fmt::format(
              "DESTIP SYSTEM=ALL covers every system, so it cannot be combined "
              "with another DESTIP (line {})",
              handler_.PositionOf(*other).line));
    }
    system_nodes_.emplace(system, &node);
    if (first_system_ == nullptr) first_system_ = &node;
  }

  [[noreturn]] void NotHotStandby(const ast::Value& value,
                                  std::string_view keyword) const {
    handler_.Fail(value, fmt::format("{} is for DISTMETHOD=HOTSTANDBY only "
                                     "(DISTMETHOD is {})",
                                     keyword, DistMethodName(config_.method)));
  }

  void CheckHotStandby() const {
    if (HotStandby() && !preferred_) {
      handler_.Fail(*method_node_,
                    "DISTMETHOD=HOTSTANDBY needs one DESTIP "
                    "with ROLE=PREFERRED");
    }
  }

  // REGISTRY(ADDRESS=host:port) and ADMIN(ADDRESS=host:port).
  std::string ReadAddressStatement(const ast::Statement& statement,
                                   bool allow_any_port) const {
    Params params(statement, handler_, {"ADDRESS"}, {});
    return detail::ParseHostPort(params.Require("ADDRESS"),
                                 Upper(statement.keyword), allow_any_port,
                                 handler_);
  }

  const ErrorHandler& handler_;
  DistributorConfig config_;
  const ast::Value* method_node_ = nullptr;  // DISTMETHOD, when given
  // Index in config_.destips of HOTSTANDBY's PREFERRED target, once read.
  std::optional<std::size_t> preferred_;
  // Upper-case system -> its SYSTEM value; and the first DESTIP's.
  std::map<std::string, const ast::Value*, std::less<>> system_nodes_;
  const ast::Value* first_system_ = nullptr;
};

}  // namespace

DistributorConfig BuildDistributorConfig(const ast::ConfigFile& file,
                                         const ErrorHandler& handler) {
  return DistributorBuilder(handler).Build(file);
}

}  // namespace drdaplex::config
