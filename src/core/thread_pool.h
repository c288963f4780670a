// The engine's one compute pool: parallel_for over an index range with static chunking, on the
// OpenMP team oneDNN also uses. Nested calls run inline (no oversubscription, no deadlock).
#pragma once
#include <cstdint>
#include <functional>

namespace easel {

// Number of compute threads (default: hardware concurrency, or $EASEL_THREADS).
int num_threads();
// Also sets the calling thread's OpenMP thread count (what oneDNN's primitives use).
void set_num_threads(int n);

// Calls fn(begin, end) on disjoint sub-ranges covering [0, n), at most num_threads() at once.
// `grain` is the smallest chunk worth handing to another thread. An exception thrown by fn is
// rethrown to the caller after all chunks have finished.
void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t grain = 1);

}  // namespace easel
