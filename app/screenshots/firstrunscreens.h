#pragma once

#include <QString>

class FirstRunWizard;

// The desk's first run answered as an owner would (a sample car wash),
// through its own fields and Next, up to the page a picture shows.
namespace FirstRunScreens {

// state: first-run-site, first-run-money, first-run-hours,
// first-run-manager, first-run-menu, first-run-ready, or first-run-pin-error
// (the manager page after two PINs that differ). False, with *why, for any
// other state or when a page refused the answers.
bool advance(FirstRunWizard &wizard, const QString &state, QString *why);

} // namespace FirstRunScreens
