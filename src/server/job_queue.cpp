// JobQueue: submit/wait hand-off between HTTP threads and the generation thread, and the
// progress state A1111 clients poll while a job runs.
#include "server/job_queue.h"

#include <ctime>

#include "core/error.h"
#include "core/log.h"

namespace easel::server {

struct JobQueue::Ticket {
  GenerationJob job;
  std::string kind;
  JobControl ctl;
  bool done = false;
  JobResult result;
};

JobQueue::JobQueue(GenerationService& service, size_t max_pending, std::chrono::milliseconds preview_every)
    : svc_(service), max_pending_(max_pending), preview_every_(preview_every), thread_([this] { worker(); }) {}

JobQueue::~JobQueue() {
  shutdown();
  thread_.join();
}

void JobQueue::shutdown() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    if (running_) running_->ctl.request_interrupt();
    for (auto& t : pending_) {
      t->result.error = "server is shutting down";
      t->done = true;
    }
    pending_.clear();
  }
  cv_.notify_all();
}

std::shared_ptr<JobQueue::Ticket> JobQueue::submit(GenerationJob job, const std::string& kind) {
  auto t = std::make_shared<Ticket>();
  t->job = std::move(job);
  t->kind = kind;
  {
    std::lock_guard lk(mu_);
    if (stop_) throw QueueFull("server is shutting down");
    if (pending_.size() >= max_pending_)
      throw QueueFull("queue is full (" + std::to_string(max_pending_) + " jobs waiting); retry later");
    pending_.push_back(t);
  }
  cv_.notify_all();
  return t;
}

JobResult JobQueue::wait(const std::shared_ptr<Ticket>& t) {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return t->done; });
  return std::move(t->result);
}

void JobQueue::interrupt() {
  std::lock_guard lk(mu_);
  if (!running_) return;
  running_->ctl.request_interrupt();
  state_.interrupted = true;
}

void JobQueue::skip() {
  std::lock_guard lk(mu_);
  if (!running_) return;
  running_->ctl.request_skip();
  state_.skipped = true;
}

ProgressSnapshot JobQueue::progress() const {
  std::lock_guard lk(mu_);
  ProgressSnapshot s = state_;
  s.pending = pending_.size();
  if (running_)
    s.seconds_running = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return s;
}

uint64_t JobQueue::completed() const {
  std::lock_guard lk(mu_);
  return completed_;
}

std::string timestamp_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

void JobQueue::worker() {
  for (;;) {
    std::shared_ptr<Ticket> t;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      t = pending_.front();
      pending_.pop_front();
      running_ = t;
      started_ = std::chrono::steady_clock::now();
      const GenerationParams& p = t->job.params;
      state_ = ProgressSnapshot{};
      state_.job = t->kind;
      state_.job_timestamp = timestamp_now();
      state_.job_count = p.batch_count;
      state_.sampling_steps = p.steps;
    }
    auto last_preview = std::chrono::steady_clock::now() - preview_every_;
    StepFn on_step = [&](const StepProgress& sp) {
      std::shared_ptr<const Image> img;
      auto now = std::chrono::steady_clock::now();
      if (sp.preview && now - last_preview >= preview_every_) {
        last_preview = now;
        img = std::make_shared<const Image>(sp.preview());  // outside the lock: it costs a decode
      }
      std::lock_guard lk(mu_);
      if (sp.job_no != state_.job_no) state_.skipped = false;  // A1111 clears it per batch
      state_.job_no = sp.job_no;
      state_.job_count = sp.job_count;
      state_.sampling_step = sp.step;
      state_.sampling_steps = sp.steps;
      if (img) {
        state_.preview = std::move(img);
        ++state_.preview_id;
      }
    };
    JobResult r;
    try {
      r.output = svc_.generate(t->job, on_step, t->ctl);
    } catch (const std::bad_alloc&) {
      r.error = "out of memory";
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    if (!r.error.empty()) log_warn("server: {} job failed: {}", t->kind, r.error);
    {
      std::lock_guard lk(mu_);
      t->result = std::move(r);
      t->done = true;
      running_.reset();
      ++completed_;
      state_ = ProgressSnapshot{};
    }
    cv_.notify_all();
  }
}

}  // namespace easel::server
