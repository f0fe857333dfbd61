#include "harness/load/plot.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "harness/load/report.h"

extern char** environ;

namespace drdaplex::load {

namespace {

// A share column: the transactions of every landing with this key.
struct ShareColumn {
  std::string title;
  std::vector<size_t> landings;
  bool dashed = false;
};

std::vector<ShareColumn> ShareColumns(const BenchResult& r) {
  std::vector<ShareColumn> columns;
  std::map<std::string, size_t> by_datastore, by_router;
  std::vector<ShareColumn> routers;
  for (size_t i = 0; i < r.landings.size(); ++i) {
    const Landing& l = r.landings[i];
    const std::string ds = SpreadKey(l, SpreadBy::kOdbm) + "/" + SpreadKey(l, SpreadBy::kDatastore);
    if (!by_datastore.count(ds)) {
      by_datastore[ds] = columns.size();
      columns.push_back({ds, {}, false});
    }
    columns[by_datastore[ds]].landings.push_back(i);
    const std::string router = SpreadKey(l, SpreadBy::kRouter);
    if (!by_router.count(router)) {
      by_router[router] = routers.size();
      routers.push_back({"router " + router, {}, true});
    }
    routers[by_router[router]].landings.push_back(i);
  }
  if (routers.size() > 1) columns.insert(columns.end(), routers.begin(), routers.end());
  return columns;
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Number(double v) { return v > 0 ? fmt::format("{:.4f}", v) : "NaN"; }

// The three panels, for whichever terminal is set before them.
std::string Panels(const BenchResult& r, const std::string& data) {
  const std::vector<ShareColumn> shares = ShareColumns(r);
  std::string marks;
  for (const Mark& m : r.marks) {
    marks += fmt::format("set arrow from {0:.3f}, graph 0 to {0:.3f}, graph 1 nohead lc rgb \"#c00000\" dt 2 lw 1.5\n",
                         m.at_s);
  }
  std::string labels;
  for (const Mark& m : r.marks) {
    labels += fmt::format("set label {} at {:.3f}, graph 0.97 right rotate by 90 font \",9\" tc rgb \"#c00000\"\n",
                          Quoted(m.label), m.at_s);
  }
  const double xmax = std::max(1.0, r.elapsed_s);
  std::string s;
  // Plain text: workload names carry '@' and member names '_', which
  // gnuplot's enhanced mode would read as markup.
  s += "set termoption noenhanced\n";
  s += fmt::format("set multiplot layout 3,1 title {}\n",
                   Quoted(fmt::format("drdaplex bench: {}, {} clients, {}", r.workload, r.options.clients,
                                      TargetText(r))));
  s += "unset xlabel\n";
  s += fmt::format("set xrange [0:{:.3f}]\nset grid\nset key outside right top\nset lmargin 12\nset rmargin 28\n", xmax);
  s += marks + labels;
  s += "set ylabel \"per second\"\nset yrange [0:*]\nset format x \"\"\n";
  s += fmt::format("plot {0} using 1:2 with lines lw 2 title \"tx/s\", {0} using 1:3 with lines title \"setups/s\", "
                   "{0} using 1:6 with impulses lc rgb \"#c00000\" title \"errors/s\"\n",
                   Quoted(data));
  s += "unset label\nset ylabel \"latency (ms)\"\nset logscale y\nset yrange [*:*]\n";
  s += fmt::format("plot {0} using 1:4 with lines lw 2 title \"p50\", {0} using 1:5 with lines lw 2 title \"p99\"\n",
                   Quoted(data));
  s += "unset logscale y\nset ylabel \"share of tx (%)\"\nset yrange [0:100]\nset xlabel \"seconds\"\nset format x\n";
  if (shares.empty()) {
    s += "plot 1/0 notitle\n";
  } else {
    s += "plot ";
    for (size_t i = 0; i < shares.size(); ++i) {
      s += fmt::format("{}{} using 1:{} with lines lw 2 {}title {}", i ? ", " : "", Quoted(data), 7 + i,
                       shares[i].dashed ? "dt 2 " : "", Quoted(shares[i].title));
    }
    s += "\n";
  }
  s += "unset multiplot\nunset arrow\nunset label\n";
  return s;
}

bool RunGnuplot(const std::filesystem::path& script, std::string* error) {
  const std::string path = script.string();
  char* argv[] = {const_cast<char*>("gnuplot"), const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv, environ);
  if (rc != 0) {
    *error = "cannot run gnuplot (install gnuplot-nox): " + std::string(strerror(rc));
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = "gnuplot failed on " + path;
    return false;
  }
  return true;
}

}  // namespace

std::string PlotData(const BenchResult& r) {
  const std::vector<ShareColumn> shares = ShareColumns(r);
  std::string out = "# end_s tx_per_s setups_per_s p50_ms p99_ms errors_per_s";
  for (const ShareColumn& c : shares) out += " \"" + c.title + "\"";
  out += "\n";
  // The run's last interval is often a sliver (the clients' final
  // transactions finishing after the deadline); as a rate it is noise that
  // looks like a collapse, so a last interval under half the sampling
  // interval is left out of the plot (the JSON keeps it).
  const double interval_s = std::chrono::duration<double>(r.options.progress_interval).count();
  std::size_t points = r.timeline.size();
  if (points > 1 && r.timeline.back().span_s < 0.5 * interval_s) --points;
  for (std::size_t i = 0; i < points; ++i) {
    const TimelinePoint& p = r.timeline[i];
    const double span = p.span_s > 0 ? p.span_s : 1;
    out += fmt::format("{:.3f} {:.2f} {:.2f} {} {} {:.2f}", p.end_s, p.transactions / span, p.setups / span,
                       Number(p.p50_ms), Number(p.p99_ms), p.errors / span);
    for (const ShareColumn& c : shares) {
      int64_t mine = 0;
      for (size_t l : c.landings) {
        if (l < p.landing_transactions.size()) mine += p.landing_transactions[l];
      }
      out += p.transactions > 0 ? fmt::format(" {:.2f}", 100.0 * mine / p.transactions) : " NaN";
    }
    out += "\n";
  }
  return out;
}

std::string PlotScript(const BenchResult& r, const std::filesystem::path& prefix) {
  const std::string data = prefix.string() + ".dat";
  std::string s = "# drdaplex bench plot; gnuplot " + prefix.string() + ".gp\n";
  s += "set datafile missing \"NaN\"\n";
  s += fmt::format("set terminal svg size 1200,900 dynamic background rgb \"white\"\nset output {}\n",
                   Quoted(prefix.string() + ".svg"));
  s += Panels(r, data);
  s += fmt::format("set terminal pngcairo size 1200,900\nset output {}\n", Quoted(prefix.string() + ".png"));
  s += Panels(r, data);
  s += "set output\n";
  return s;
}

bool WritePlot(const BenchResult& result, const std::filesystem::path& prefix, std::string* error) {
  const std::filesystem::path gp = prefix.string() + ".gp";
  for (const auto& [path, text] : {std::pair{std::filesystem::path(prefix.string() + ".dat"), PlotData(result)},
                                   std::pair{gp, PlotScript(result, prefix)}}) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      *error = "cannot write " + path.string();
      return false;
    }
  }
  return RunGnuplot(gp, error);
}

}  // namespace drdaplex::load
