// The normal build's run of a fuzzer: LLVMFuzzerTestOneInput over every file
// of its seed corpus and of the regressions found so far, each input once,
// as `fuzzer DIR…` replays them under libFuzzer. A property violated or a
// crash aborts, and the test fails naming the file. The corpus must hold
// at least one input (a wrong path is not a pass); the regressions folder
// may not exist yet.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
// Optional, as in libFuzzer: the fuzzer's one-time set-up.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

namespace {

std::vector<std::filesystem::path> filesIn(const std::filesystem::path &directory)
{
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::is_directory(directory))
        return files;
    for (const auto &entry : std::filesystem::directory_iterator(directory)) {
        if (entry.is_regular_file())
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [REGRESSIONS_DIR…]\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::vector<std::filesystem::path> files = filesIn(argv[i]);
        if (i == 1 && files.empty()) {
            std::fprintf(stderr, "%s: no seed inputs in %s\n", argv[0], argv[i]);
            return 1;
        }
        for (const std::filesystem::path &file : files) {
            std::fprintf(stderr, "replaying %s\n", file.c_str());
            std::ifstream in(file, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
            ++replayed;
        }
    }
    std::fprintf(stderr, "%d inputs replayed, every property held\n", replayed);
    return 0;
}
