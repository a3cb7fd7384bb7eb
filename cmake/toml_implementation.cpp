// toml++'s compiled half, for the portable binary only (scripts/package.sh).
// The layers compile against Debian's shared libtomlplusplus.so.3, which has
// no static archive and needs the shared libstdc++ the portable binary links
// statically; this one translation unit defines the same symbols instead
// (the library's documented TOML_IMPLEMENTATION switch), so no layer is
// compiled twice.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
