#pragma once

class QString;

// Ctrl-C or SIGTERM during a run: the phase in progress ends early and the
// benchmark still stops the server it started, instead of dying with a
// PostgreSQL left running in /tmp.
namespace Interruption {

// Installs the SIGINT and SIGTERM handlers. Call once, from main().
void install();

// Whether a stop was asked for. Async-signal-safe to set, cheap to read.
bool requested();
// The same, and when it was, error says "interrupted": for a benchmark's
// `if (Interruption::requested(error)) return false;`.
bool requested(QString *error);

} // namespace Interruption
