// `easel img2img`: images from an input image and a prompt (A1111 img2img: resize modes,
// denoising strength), parameters stored in each PNG.
#include "cli/command.h"
#include "cli/gen_options.h"

namespace {
int run_img2img(const std::vector<std::string>& args) { return easel::cli::run_generate_command(args, true); }
}  // namespace
EASEL_COMMAND("img2img", "generate images from an image and a prompt (A1111 img2img options)", run_img2img);
