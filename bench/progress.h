#pragma once

#include <QString>

// Where every benchmark says what it is doing: one line on stderr, flushed at
// once, so stdout carries nothing but the report (the JSON a script reads).
namespace Bench {

void progress(const QString &message);

} // namespace Bench
