// A small persistent thread pool. Workers sleep on a condition variable between jobs.
#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace easel {

namespace {

thread_local bool tl_in_worker = false;

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return nthreads_; }

  void resize(int n) {
    stop();
    nthreads_ = std::max(1, n);
    quit_ = false;
    for (int i = 1; i < nthreads_; ++i) workers_.emplace_back([this, i] { loop(i); });
  }

  void run(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t grain) {
    int64_t chunks = std::min<int64_t>(nthreads_, std::max<int64_t>(1, n / std::max<int64_t>(1, grain)));
    if (chunks <= 1 || tl_in_worker) {
      fn(0, n);
      return;
    }
    std::lock_guard<std::mutex> job_lock(job_mutex_);  // one parallel job at a time
    {
      std::lock_guard<std::mutex> lk(m_);
      fn_ = &fn;
      n_ = n;
      chunks_ = chunks;
      next_.store(1);
      remaining_ = int(chunks) - 1;
      error_ = nullptr;
      ++generation_;
    }
    cv_.notify_all();
    tl_in_worker = true;
    try {
      do_chunk(0);
    } catch (...) {
      std::lock_guard<std::mutex> lk(m_);
      if (!error_) error_ = std::current_exception();
    }
    // Help with remaining chunks, then wait for stragglers.
    for (int64_t c; (c = next_.fetch_add(1)) < chunks_;) run_chunk_guarded(c);
    tl_in_worker = false;
    std::unique_lock<std::mutex> lk(m_);
    done_cv_.wait(lk, [&] { return remaining_ == 0; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void do_chunk(int64_t c) {
    int64_t b = n_ * c / chunks_, e = n_ * (c + 1) / chunks_;
    if (b < e) (*fn_)(b, e);
  }
  void run_chunk_guarded(int64_t c) {
    try {
      do_chunk(c);
    } catch (...) {
      std::lock_guard<std::mutex> lk(m_);
      if (!error_) error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lk(m_);
    if (--remaining_ == 0) done_cv_.notify_all();
  }
  void loop(int) {
    tl_in_worker = true;
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
      }
      for (int64_t c; (c = next_.fetch_add(1)) < chunks_;) run_chunk_guarded(c);
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(m_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  int nthreads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex m_, job_mutex_;
  std::condition_variable cv_, done_cv_;
  bool quit_ = false;
  uint64_t generation_ = 0;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0, chunks_ = 0;
  std::atomic<int64_t> next_{0};
  int remaining_ = 0;
  std::exception_ptr error_;
};

int default_threads() {
  if (const char* e = std::getenv("EASEL_THREADS")) {
    int n = std::atoi(e);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

Pool& pool() {
  static Pool p(default_threads());
  return p;
}

}  // namespace

int num_threads() { return pool().size(); }
void set_num_threads(int n) {
  if (n != pool().size()) pool().resize(n);
}

void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t grain) {
  if (n <= 0) return;
  pool().run(n, fn, grain);
}

}  // namespace easel
