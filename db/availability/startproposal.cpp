#include "db/availability/startproposal.h"

#include "db/availability/availabilityrepo.h"

StartProposal StartProposal::atStart(const QList<PlannedSlot> &freeSlots, const QDateTime &start,
                                     const std::optional<BayRef> &bay)
{
    StartProposal proposal;
    proposal.preset = Preset::NotFree;
    for (const PlannedSlot &slot : freeSlots) {
        if (slot.start != start)
            continue;
        proposal.slot = slot;
        proposal.bay = bay ? *bay : slot.bays.first();
        proposal.preset = Preset::Used;
        break;
    }
    return proposal;
}

StartProposal StartProposal::nextFree(const std::optional<PlannedSlot> &next)
{
    StartProposal proposal;
    proposal.slot = next;
    if (next && !next->bays.isEmpty())
        proposal.bay = next->bays.first();
    return proposal;
}

DbResult<StartProposal> StartProposal::find(AvailabilityRepo &repo, const AvailabilityRequest &request,
                                            const std::optional<BayRef> &presetBay,
                                            const QDateTime &presetStart)
{
    StartProposal proposal;
    if (presetBay || presetStart.isValid()) {
        AvailabilityRequest preset = request;
        preset.bayId = presetBay ? presetBay->id : 0;
        if (presetStart.isValid()) {
            const QDate day = presetStart.date();
            const PlanningContext ctx = repo.load(preset, day, day);
            if (const QList<FieldError> problems = ctx.problems(); !problems.isEmpty()) {
                proposal.preset = Preset::NotPossible;
                proposal.presetProblem = problems.first().message;
            } else {
                proposal = atStart(SlotPlanner(ctx.inputFor(day)).freeSlots(), presetStart, presetBay);
            }
        } else {
            DbResult<std::optional<PlannedSlot>> next = repo.next(preset);
            if (!next.ok()) {
                proposal.preset = Preset::NotPossible;
                proposal.presetProblem = next.error().message();
            } else if (!next->has_value()) {
                proposal.preset = Preset::NotFree;
            } else {
                proposal.slot = **next;
                proposal.bay = *presetBay;
                proposal.preset = Preset::Used;
            }
        }
        if (proposal.preset == Preset::Used)
            return proposal;
    }
    DbResult<std::optional<PlannedSlot>> next = repo.next(request);
    if (!next.ok())
        return next.error();
    StartProposal fallback = nextFree(next.value());
    // Why the board's choice was not used travels with the next free start.
    fallback.preset = proposal.preset;
    fallback.presetProblem = proposal.presetProblem;
    return fallback;
}
