// libFuzzer target for everything the server parses from a client: DSS
// framing over a stream cut into two reads, DDM objects, the connect-flow
// commands, PKGNAMCSN, SQL text, SQLDTA in both byte orders, and the
// FD:OCA/SQLCA/SQLDA readers. Invariants (see request_views.h) abort like a
// crash so libFuzzer keeps the input.
//
//   build-fuzz/drda/fuzz/drda_request_fuzz -max_total_time=300 -rss_limit_mb=2048 \
//       CORPUS_DIR fixtures/fuzz/drda_request
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "drda/fuzz/request_views.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto problems = drdaplex::drda::fuzz::ExerciseFuzzInput({data, size});
  if (!problems.empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "drda_request_fuzz: invariant broken: %s\n", p.c_str());
    std::abort();
  }
  return 0;
}
