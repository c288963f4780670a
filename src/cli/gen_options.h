// The options txt2img and img2img share (A1111 vocabulary), --from-png merging, and the run:
// model lookup, checks before anything is written, progress bar, previews, numbered outputs.
#pragma once
#include <string>
#include <vector>

namespace easel::cli {

// The whole `easel txt2img` / `easel img2img` command. Exit codes: 0 done, 2 bad arguments or
// inputs (nothing written), 1 failure while generating, 130 interrupted.
int run_generate_command(const std::vector<std::string>& args, bool img2img);

}  // namespace easel::cli
