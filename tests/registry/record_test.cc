// MemberRecord: validation, normalisation, the JSON form and the typed view
// of ODBM attributes.
#include <gtest/gtest.h>

#include "registry/record.h"

namespace drdaplex::registry {
namespace {

using nlohmann::json;

json OdbmJson() {
  return json::parse(R"({"kind":"odbm","name":"odbmb1","system":"sys1",
    "address":"127.0.0.1:40123","health":100,"status":"active",
    "attributes":{"datastores":[
      {"name":"IMS1","status":"active","aliases":["IM1A","IO1A"]},
      {"name":"ims2","aliases":["im1a","IO2A"]}]}})");
}

std::string ErrorFor(json record) {
  std::string error;
  EXPECT_FALSE(MemberRecordFromJson(record, &error).has_value()) << record.dump();
  return error;
}

TEST(RecordTest, ParsesAndNormalisesAnOdbm) {
  std::string error;
  const auto record = MemberRecordFromJson(OdbmJson(), &error);
  ASSERT_TRUE(record) << error;
  EXPECT_EQ(record->name, "ODBMB1");
  EXPECT_EQ(record->system, "SYS1");
  const std::vector<DatastoreRecord> expected = {
      {"IMS1", "active", {"IM1A", "IO1A"}},
      {"IMS2", "active", {"IM1A", "IO2A"}},  // status defaults to active
  };
  EXPECT_EQ(OdbmDatastores(*record), expected);
}

TEST(RecordTest, JsonKeysComeOutInAFixedOrder) {
  auto record = MemberRecordFromJson(OdbmJson(), nullptr);
  ASSERT_TRUE(record);
  record->since = "2026-01-01T00:00:00.000Z";
  record->peer = "127.0.0.1:5555";
  const nlohmann::ordered_json out = MemberRecordToJson(*record);
  std::vector<std::string> keys;
  for (const auto& item : out.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"kind", "name", "system", "address", "status",
                                            "health", "since", "peer", "attributes"}));
  EXPECT_EQ(out["attributes"]["datastores"][0].begin().key(), "name");
}

TEST(RecordTest, RoundTripsThroughJson) {
  const auto record = MemberRecordFromJson(OdbmJson(), nullptr);
  ASSERT_TRUE(record);
  const auto again = MemberRecordFromJson(json::parse(MemberRecordToJson(*record).dump()), nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *record);
}

TEST(RecordTest, DefaultsSystemAndKind) {
  const auto record = MemberRecordFromJson(json{{"name", "A1"}, {"address", "[::1]:7"}}, nullptr);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->kind, kKindOdbm);
  EXPECT_EQ(record->system, kDefaultSystem);
  EXPECT_EQ(record->address, "[::1]:7");
  EXPECT_EQ(record->health, 100);
  EXPECT_EQ(record->status, kStatusActive);
}

TEST(RecordTest, RefusesBadFields) {
  auto with = [](const char* key, json value) {
    json record = OdbmJson();
    record[key] = value;
    return record;
  };
  EXPECT_NE(ErrorFor(with("name", "TOOLONGNAME")).find("IMS name"), std::string::npos);
  EXPECT_NE(ErrorFor(with("name", "1ABC")).find("IMS name"), std::string::npos);
  EXPECT_NE(ErrorFor(with("name", "")).find("IMS name"), std::string::npos);
  EXPECT_NE(ErrorFor(with("health", 101)).find("0..100"), std::string::npos);
  EXPECT_NE(ErrorFor(with("health", -1)).find("0..100"), std::string::npos);
  EXPECT_NE(ErrorFor(with("health", 50.5)).find("integer"), std::string::npos);
  EXPECT_NE(ErrorFor(with("status", "up")).find("active"), std::string::npos);
  EXPECT_NE(ErrorFor(with("address", "localhost:80")).find("numeric"), std::string::npos);
  EXPECT_NE(ErrorFor(with("address", "127.0.0.1:0")).find("port 0"), std::string::npos);
  EXPECT_NE(ErrorFor(with("address", "127.0.0.1:70000")).find("65535"), std::string::npos);
  EXPECT_NE(ErrorFor(with("kind", "ODBM")).find("kind"), std::string::npos);
  EXPECT_NE(ErrorFor(with("attributes", json::array())).find("object"), std::string::npos);
  EXPECT_NE(ErrorFor(json{{"address", "127.0.0.1:1"}}).find("missing \"name\""), std::string::npos);
  EXPECT_NE(ErrorFor(json::array()).find("object"), std::string::npos);
}

TEST(RecordTest, RefusesBadOdbmAttributes) {
  auto with_datastores = [](json datastores) {
    json record = OdbmJson();
    record["attributes"]["datastores"] = datastores;
    return record;
  };
  EXPECT_NE(ErrorFor(with_datastores("IMS1")).find("array"), std::string::npos);
  EXPECT_NE(ErrorFor(with_datastores(json::parse(R"([{"name":"IMS1"},{"name":"ims1"}])")))
                .find("twice"),
            std::string::npos);
  EXPECT_NE(ErrorFor(with_datastores(json::parse(R"([{"name":"IMS1","aliases":["A","a"]}])")))
                .find("twice"),
            std::string::npos);
  EXPECT_NE(ErrorFor(with_datastores(json::parse(R"([{"name":"IMS1","aliases":[7]}])")))
                .find("string"),
            std::string::npos);
  EXPECT_NE(ErrorFor(with_datastores(json::parse(R"([{"name":"IMS1","status":"down"}])")))
                .find("active"),
            std::string::npos);
}

TEST(RecordTest, OtherKindsTakeLongerNamesAndAnyAttributes) {
  const auto record = MemberRecordFromJson(
      json{{"kind", "server"}, {"name", "DB2LOC.NETID.LUNAME"}, {"address", "10.0.0.1:446"},
           {"attributes", {{"weight", 64}}}},
      nullptr);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->name, "DB2LOC.NETID.LUNAME");
  EXPECT_TRUE(OdbmDatastores(*record).empty());
}

TEST(RecordTest, ServersAreTripletsUpperCasedWithCheckedAttributes) {
  std::string error;
  const auto record = MemberRecordFromJson(
      json{{"kind", "server"},
           {"name", "drdaplex.net.hws1"},
           {"system", "sys2"},
           {"attributes",
            {{"host_name", "router1.example"},
             {"user_data", "anything"},
             {"active", 3},
             {"max_sockets", 2000},
             {"drda", "127.0.0.1:6695"},
             {"agent", "127.0.0.1:7700"},
             {"handoff", "/tmp/h.sock"},
             {"extra", {1, 2}}}}},
      &error);
  ASSERT_TRUE(record) << error;
  EXPECT_EQ(record->name, "DRDAPLEX.NET.HWS1");
  EXPECT_EQ(record->system, "SYS2");
  EXPECT_EQ(record->address, "");  // optional for servers
  EXPECT_EQ(record->attributes["extra"], json({1, 2}));
  EXPECT_EQ(RegistrationScope(*record), "SYS2");
  // A LOCATION may be as long as IWMSRSRG's (18).
  EXPECT_TRUE(MemberRecordFromJson(
      json{{"kind", "server"}, {"name", "ABCDEFGHIJKLMNOPQR.NET.LU"}}, &error))
      << error;
}

TEST(RecordTest, RefusesBadServers) {
  auto server = [](const std::string& name, json attributes = json::object()) {
    return json{{"kind", "server"}, {"name", name}, {"attributes", attributes}};
  };
  EXPECT_NE(ErrorFor(server("LOC.NET")).find("LOCATION.NETWORK_ID.LUNAME"), std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LU.X")).find("LOCATION.NETWORK_ID.LUNAME"),
            std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC..LU")).find("NETWORK_ID"), std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LUNAME123")).find("LUNAME"), std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NETWORK12.LU")).find("NETWORK_ID"), std::string::npos);
  EXPECT_NE(ErrorFor(server("ABCDEFGHIJKLMNOPQRS.NET.LU")).find("LOCATION"), std::string::npos);
  EXPECT_NE(ErrorFor(server("L_C.NET.LU")).find("LOCATION"), std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LU", {{"user_data", std::string(65, 'x')}}))
                .find("user_data"),
            std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LU", {{"host_name", 7}})).find("host_name"),
            std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LU", {{"active", -1}})).find("active"), std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LU", {{"max_sockets", 0}})).find("max_sockets"),
            std::string::npos);
  EXPECT_NE(ErrorFor(server("LOC.NET.LU", {{"drda", "nowhere"}})).find("nowhere"),
            std::string::npos);
}

TEST(RecordTest, SystemRecordsNameThemselvesAndCarryACapacity) {
  std::string error;
  const auto record = MemberRecordFromJson(
      json{{"kind", "system"}, {"name", "sys1"}, {"attributes", {{"capacity", 12.5}}}}, &error);
  ASSERT_TRUE(record) << error;
  EXPECT_EQ(record->name, "SYS1");
  EXPECT_EQ(record->system, "SYS1");
  EXPECT_EQ(record->attributes["mode"], "configured");
  EXPECT_EQ(RegistrationScope(*record), "");

  auto system = [](json attributes, const char* of = "SYS1") {
    return json{{"kind", "system"}, {"name", "SYS1"}, {"system", of}, {"attributes", attributes}};
  };
  EXPECT_NE(ErrorFor(system(json::object())).find("capacity"), std::string::npos);
  EXPECT_NE(ErrorFor(system({{"capacity", -1}})).find("capacity"), std::string::npos);
  EXPECT_NE(ErrorFor(system({{"capacity", "4"}})).find("capacity"), std::string::npos);
  EXPECT_NE(ErrorFor(system({{"capacity", 4}, {"mode", "guessed"}})).find("mode"),
            std::string::npos);
  EXPECT_NE(ErrorFor(system({{"capacity", 4}}, "SYS2")).find("another system"),
            std::string::npos);
}

TEST(RecordTest, OnlyOdbmsNeedAnAddress) {
  EXPECT_NE(ErrorFor(json{{"name", "ODBMA"}}).find("missing \"address\""), std::string::npos);
  EXPECT_TRUE(MemberRecordFromJson(json{{"kind", "other"}, {"name", "x"}}, nullptr));
}

TEST(RecordTest, UpdateIsAllOrNothing) {
  auto record = *MemberRecordFromJson(OdbmJson(), nullptr);
  const MemberRecord before = record;
  std::string error;
  EXPECT_FALSE(ApplyMemberUpdate(json{{"health", 50}, {"status", "bogus"}}, &record, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(record, before);

  error.clear();
  EXPECT_TRUE(ApplyMemberUpdate(json{{"health", 50}, {"status", "inactive"}}, &record, &error));
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(record.health, 50);
  EXPECT_EQ(record.status, kStatusInactive);
  EXPECT_EQ(record.attributes, before.attributes);

  EXPECT_FALSE(ApplyMemberUpdate(json{{"op", "update"}}, &record, &error));
  EXPECT_TRUE(error.empty());  // nothing to apply is not an error
}

TEST(RecordTest, DiffersOnlyInHealth) {
  const auto a = *MemberRecordFromJson(OdbmJson(), nullptr);
  auto b = a;
  b.health = 10;
  b.since = "later";
  EXPECT_TRUE(DiffersOnlyInHealth(a, b));
  b.address = "127.0.0.1:1";
  EXPECT_FALSE(DiffersOnlyInHealth(a, b));
}

TEST(RecordTest, OdbmAttributesIsTheInverseOfOdbmDatastores) {
  const std::vector<DatastoreRecord> datastores = {{"IMS1", "inactive", {"IM1A"}},
                                                   {"IMS2", "active", {}}};
  MemberRecord record;
  record.name = "ODBMA";
  record.address = "127.0.0.1:9";
  record.attributes = OdbmAttributes(datastores);
  EXPECT_EQ(OdbmDatastores(record), datastores);
  std::string error;
  EXPECT_EQ(ParseOdbmAttributes(record.attributes, &error), datastores) << error;
}

}  // namespace
}  // namespace drdaplex::registry
