// drdaplex::client, a DRDA requester ("Type 4" driver) for C++: include
// this header for the whole API. See connection.h for the overview.
//
//   drdaplex::client::ConnectOptions options;
//   options.port = 1527;
//   options.database = "IM1A";
//   options.user = "app";
//   options.password = "secret";
//   auto conn = drdaplex::client::Connection::Open(options);
//   auto stmt = conn.Prepare("INSERT INTO t (id, name) VALUES (?, ?)");
//   stmt.Bind(1, int64_t{1});
//   stmt.Bind(2, std::string("one"));
//   stmt.ExecuteUpdate();
//   for (auto rs = conn.Query("SELECT id, name FROM t"); rs.Next();)
//     std::cout << rs.GetInt64(1) << ' ' << rs.GetString(2) << '\n';
#pragma once

#include "client/connection.h"
#include "client/prepared_statement.h"
#include "client/result_set.h"
#include "client/sql_error.h"
#include "client/types.h"
