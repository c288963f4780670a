// parallel_for on OpenMP: the same libgomp thread team oneDNN runs on, so easel's kernels and
// oneDNN's primitives share one set of threads instead of two pools spinning against each other.
#include "core/thread_pool.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <unistd.h>

namespace easel {

namespace {

int default_threads() {
  if (const char* e = std::getenv("EASEL_THREADS")) {
    int n = std::atoi(e);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

std::atomic<int>& thread_count() {
  static std::atomic<int> n{default_threads()};
  return n;
}

// Passive OpenMP waiting, unless the user chose a policy. libgomp's default spins a thread for a
// while at every barrier; on a shared or oversubscribed machine a spinning thread uses up its
// scheduler share and then waits a whole time slice for the next region (measured on the 2-core
// dev box under load: SD 1.5 UNet eval 15.3-19.3 s spinning vs 13.1 s passive; tiny-model text
// encode 0.15-0.28 s vs 0.0005 s). libgomp reads OMP_WAIT_POLICY once, in its constructor, from
// the environment the process was started with (libc re-installs that block before any library
// constructor runs, so setenv() anywhere in-process is too late), and it has no API for the
// policy. So an executable without the variable re-executes itself once with it added, from its
// .preinit_array (before any library constructor). OMP_WAIT_POLICY=active keeps spinning.
// (.preinit_array is executable-only: were easel_core ever linked into a shared library, this
// must move to the executables.)
void default_omp_wait_policy(int, char** argv, char** envp) {
  constexpr char kVar[] = "OMP_WAIT_POLICY=";
  size_t n = 0;
  for (; envp && envp[n]; ++n)
    if (!std::strncmp(envp[n], kVar, sizeof kVar - 1)) return;
  char exe[4096];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0 || !argv || !argv[0]) return;
  exe[len] = 0;
  // Started through the dynamic loader (ld.so PROGRAM): /proc/self/exe is the loader itself.
  if (std::strstr(exe, "/ld-linux") || std::strstr(exe, "/ld.so")) return;
  std::vector<char*> env(envp, envp + n);
  env.push_back(const_cast<char*>("OMP_WAIT_POLICY=passive"));
  env.push_back(nullptr);
  execve(exe, argv, env.data());  // returns only on failure: run on with libgomp's default
}
__attribute__((section(".preinit_array"), used)) void (*const preinit_omp_wait_policy)(int, char**, char**) =
    default_omp_wait_policy;

}  // namespace

int num_threads() { return thread_count().load(std::memory_order_relaxed); }

void set_num_threads(int n) {
  n = std::max(1, n);
  thread_count().store(n, std::memory_order_relaxed);
  // oneDNN sizes its parallel regions from this thread's OpenMP setting.
  omp_set_num_threads(n);
}

void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t grain) {
  if (n <= 0) return;
  const int64_t chunks = std::min<int64_t>(num_threads(), std::max<int64_t>(1, n / std::max<int64_t>(1, grain)));
  // Inside a parallel region (ours or oneDNN's) the caller's thread does the whole range:
  // nested teams would oversubscribe the cores.
  if (chunks <= 1 || omp_get_level() > 0) {
    fn(0, n);
    return;
  }
  std::exception_ptr error;
  std::mutex error_mutex;
#pragma omp parallel num_threads(int(chunks))
  {
    // The team may be smaller than asked for (OMP_DYNAMIC, thread limits): threads take the
    // fixed chunks round-robin so the coverage never depends on the team size.
    const int64_t team = omp_get_num_threads();
    for (int64_t c = omp_get_thread_num(); c < chunks; c += team) {
      const int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
      if (b >= e) continue;
      try {
        fn(b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lk(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace easel
