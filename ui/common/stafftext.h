#pragma once

#include "db/staff/staffmember.h"

#include <QCoreApplication>

// How staff matters read on screen, the same on every page and dialog.
class StaffText
{
    Q_DECLARE_TR_FUNCTIONS(StaffText)
public:
    static QString role(StaffMember::Role role);
    // "4 min 05 s", "45 s": what is left of a lock-out.
    static QString duration(int seconds);
};
