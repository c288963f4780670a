// Finding files the way A1111 users name them: a checkpoint by path, by name or by hash (AutoV2
// 10 hex digits, full SHA-256, or the legacy 8-digit hash) inside a models folder laid out like
// A1111's (Stable-diffusion/, VAE/, Lora/, embeddings/); and A1111's numbered output names.
#pragma once
#include <string>
#include <vector>

namespace easel {

// $EASEL_MODELS_DIR, else <directory of the running executable>/../models.
std::string default_models_dir();

// The built-in easel-shapes model (tools/train; committed under models/easel-shapes): the first of
// $EASEL_BUILTIN_MODEL, <models_dir>/easel-shapes/, <exe>/../models/easel-shapes/,
// <exe>/../share/easel/models/easel-shapes/ that holds easel-shapes.safetensors; "" if none does.
std::string builtin_model_path(const std::string& models_dir);

// A tokenizer folder that travels with a checkpoint: <folder>/tokenizer for a diffusers folder,
// <directory of the file>/tokenizer for a single file; "" unless it has vocab.json and merges.txt.
std::string tokenizer_beside(const std::string& checkpoint);

// Checkpoints (files and diffusers folders) under <models_dir>/Stable-diffusion, sorted.
std::vector<std::string> list_checkpoints(const std::string& models_dir);

// `spec` as an existing path, else a checkpoint under models_dir whose file name, stem or
// "name [hash]" title matches, else one whose hash matches (hashing files as needed, cached).
// Fails naming the folder searched and the checkpoints found there.
std::string find_checkpoint(const std::string& spec, const std::string& models_dir);

// A1111's save_image names: "<NNNNN>-<seed>.png" with NNNNN continuing from the highest number
// already starting a file name in `dir` (00000 for an empty or missing folder).
int next_image_number(const std::string& dir);
std::string image_file_name(int number, int64_t seed, const std::string& ext = "png");

}  // namespace easel
