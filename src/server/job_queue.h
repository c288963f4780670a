// The server's bounded job queue and its single generation thread, which owns the engine.
// HTTP threads submit jobs and wait for them; progress, interrupt and skip are read/set here.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/engine_service.h"

namespace easel::server {

// Thrown by submit() when the queue is full or the server is stopping (HTTP 503).
struct QueueFull : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct JobResult {
  GenerationOutput output;
  std::string error;  // non-empty: the job failed (message for the client)
  bool failed() const { return !error.empty(); }
};

// Local time as "%Y%m%d%H%M%S": A1111's job_timestamp, also in the API's output file names.
std::string timestamp_now();

// A1111's shared.state as /sdapi/v1/progress reports it, plus the queue length.
struct ProgressSnapshot {
  std::string job;            // "" when idle, else "txt2img" / "img2img"
  std::string job_timestamp;  // "%Y%m%d%H%M%S" of the running job
  int job_count = 0, job_no = 0, sampling_step = 0, sampling_steps = 0;
  bool interrupted = false, skipped = false;
  double seconds_running = 0;  // since the running job started
  size_t pending = 0;          // jobs waiting behind the running one
  uint64_t preview_id = 0;     // increases with every new preview
  std::shared_ptr<const Image> preview;
  std::string textinfo;
};

class JobQueue {
 public:
  struct Ticket;  // a submitted job; opaque to callers

  // `max_pending` jobs may wait besides the running one. `preview_every` throttles previews.
  JobQueue(GenerationService& service, size_t max_pending,
           std::chrono::milliseconds preview_every = std::chrono::milliseconds(200));
  ~JobQueue();  // shutdown(), then joins the thread
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Queues a job; throws QueueFull. `kind` is "txt2img" or "img2img" (progress "job").
  std::shared_ptr<Ticket> submit(GenerationJob job, const std::string& kind);
  // Blocks until the job has run (or the queue stopped).
  JobResult wait(const std::shared_ptr<Ticket>& t);

  // Refuses new jobs, interrupts the running one and fails waiting ones, so that every
  // wait() returns promptly. Idempotent.
  void shutdown();
  void interrupt();  // the running job
  void skip();       // the running job's current batch
  ProgressSnapshot progress() const;
  size_t max_pending() const { return max_pending_; }

  // Jobs completed / failed since start (for tests and logs).
  uint64_t completed() const;

 private:
  void worker();

  GenerationService& svc_;
  const size_t max_pending_;
  const std::chrono::milliseconds preview_every_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Ticket>> pending_;
  std::shared_ptr<Ticket> running_;
  bool stop_ = false;
  ProgressSnapshot state_;
  std::chrono::steady_clock::time_point started_;
  uint64_t completed_ = 0;
  std::thread thread_;  // last: started after every member above exists
};

}  // namespace easel::server
