#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/availability/slotplanner.h"
#include "db/catalogue/bayref.h"
#include "db/pool/dberror.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

class AvailabilityRepo;

// The start a walk-in would be booked at: the next free one, or the start
// and/or bay picked on the day board while it is still free for the wash
// (otherwise the next free one, saying why the board's was not used). Plain
// data and rules beside the slot planner; only find() reads the database,
// blocking, inside a unit of work.
struct StartProposal
{
    enum class Preset {
        NotAsked, // nothing was picked on the board
        Used, // the board's start and/or bay is what is proposed
        NotFree, // it is taken or outside the slot grid
        NotPossible, // the request cannot be planned there (presetProblem says why)
    };

    std::optional<PlannedSlot> slot; // nullopt: nothing free within the horizon
    BayRef bay; // where it would be booked: the first free bay, or the board's
    Preset preset = Preset::NotAsked;
    QString presetProblem;

    // The board's start among one day's free slots: Used on bay (or the
    // first free bay) when it is one of them, NotFree otherwise.
    static StartProposal atStart(const QList<PlannedSlot> &freeSlots, const QDateTime &start,
                                 const std::optional<BayRef> &bay);
    // The next free start as a proposal on its first free bay.
    static StartProposal nextFree(const std::optional<PlannedSlot> &next);

    // What to propose for request, the board's bay and start (either may be
    // absent): the board's when it is free, else the next free start on
    // any bay with the reason the board's was not used.
    static DbResult<StartProposal> find(AvailabilityRepo &repo, const AvailabilityRequest &request,
                                        const std::optional<BayRef> &presetBay, const QDateTime &presetStart);
};
