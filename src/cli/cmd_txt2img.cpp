// `easel txt2img`: images from a prompt with A1111's options, parameters stored in each PNG.
#include "cli/command.h"
#include "cli/gen_options.h"

namespace {
int run_txt2img(const std::vector<std::string>& args) { return easel::cli::run_generate_command(args, false); }
}  // namespace
EASEL_COMMAND("txt2img", "generate images from a prompt (A1111 txt2img options)", run_txt2img);
