#pragma once

#include "db/availability/slotplanner.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimeZone>

#include <initializer_list>

// What the tst_slotplanner_* tables share: opening hours, busy bays and
// expected starts written as short text, and the input every row starts
// from. No database: SlotPlanner is pure.
namespace SlotPlannerTest {

// "08:00-12:00,13:00-17:00" for every weekday.
QList<OpeningPeriod> everyDay(const QString &spec);
// "1:09:00-10:00;2:11:00-11:30" → busy intervals of bays 1 and 2 on date.
QList<BusyInterval> busyOn(const QDate &date, const QTimeZone &zone, const QString &spec);
QList<BayRef> bays(int count);
// "08:00 08:15[2] …": local start times; [ids] when not every bay is free.
QStringList texts(std::initializer_list<const char *> items);
QString describe(const QList<PlannedSlot> &planned, int bayCount);
// Every grid time from..to (exclusive of the last start that would not fit).
QString grid(const char *from, const char *last, int step);
// Europe/Berlin, Wednesday 2025-06-11 seen from 2025-06-01, 08:00-10:00,
// 15-minute grid, 30 minutes with a 5-minute buffer, one bay.
SlotPlanInput baseInput();

} // namespace SlotPlannerTest
