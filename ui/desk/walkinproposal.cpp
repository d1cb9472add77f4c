#include "ui/desk/walkindialog.h"
#include "ui/desk/walkindialog_p.h"

#include "db/availability/availabilityrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/desk/bookingtext.h"

// The proposed start: what was chosen changed, the next free start (or the
// board's) is asked for through the pool, shown with the price.

using namespace WalkInForm;

namespace {

// "in 5 min", "in 1 h 20 min", "now".
QString fromNow(const QDateTime &start)
{
    const qint64 minutes = (QDateTime::currentDateTimeUtc().secsTo(start) + 59) / 60;
    if (minutes <= 0)
        return WalkInDialog::tr("now");
    if (minutes < 60)
        return WalkInDialog::tr("in %n min", nullptr, int(minutes));
    return WalkInDialog::tr("in %1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

bool isToday(const QDateTime &start)
{
    return start.date() == QDateTime::currentDateTimeUtc().toTimeZone(start.timeZone()).date();
}

} // namespace

void WalkInDialog::setPreset(const std::optional<BayRef> &bay, const QDateTime &start)
{
    m_presetBay = bay;
    m_presetStart = start.isValid() ? start : QDateTime();
    requestChanged();
}

void WalkInDialog::requestChanged()
{
    // Enter was pressed for what was chosen before; this is something else.
    if (m_bookWhenReady || m_bookAfterLookup)
        m_bookBusy->stop();
    m_bookWhenReady = false;
    m_bookAfterLookup = false;
    m_proposal.reset();
    ++m_slotGeneration; // an answer for the old choice is of no use now
    m_findingSlot = false;
    m_noticeText.clear();
    m_notice->clear();
    m_notice->hide();
    updatePrice();
    if (m_serviceId != 0) {
        m_slotBusy->start();
        m_slotDebounce.start();
    } else {
        m_slotDebounce.stop();
        m_slotBusy->stop();
    }
    showProposal();
    updateButtons();
}

void WalkInDialog::findSlot()
{
    if (m_serviceId == 0)
        return;
    m_slotDebounce.stop();
    const quint64 generation = ++m_slotGeneration;
    m_findingSlot = true;
    m_slotBusy->start();
    showProposal();
    const AvailabilityRequest request = currentRequest();
    const std::optional<BayRef> presetBay = m_presetBay;
    const QDateTime presetStart = m_presetStart;
    auto found = m_pool.withRetry(QStringLiteral("availability.next"), RetryPolicy::standard(),
                                  [request, presetBay, presetStart](QSqlDatabase &db) {
                                      AvailabilityRepo repo(db);
                                      return StartProposal::find(repo, request, presetBay, presetStart);
                                  });
    Async::onResult(found, this, [this, generation](const DbResult<StartProposal> &result) {
        if (generation != m_slotGeneration)
            return;
        m_findingSlot = false;
        m_slotBusy->stop();
        if (!result.ok()) {
            qCWarning(lcWalkIn).noquote() << "next free start not found:" << result.error().toLogString();
            m_proposal.reset();
            m_banner->showMessage(
                SlotSource, tr("The next free time could not be found. %1").arg(result.error().message()),
                ErrorText::whatToDo(result.error()), [this] { findSlot(); });
            showProposal();
            if (m_bookWhenReady) {
                m_bookWhenReady = false;
                m_bookBusy->stop();
                Q_EMIT bookingFailed();
            }
            updateButtons();
            Q_EMIT slotShown();
            return;
        }
        m_banner->clear(SlotSource);
        m_proposal = result.value();
        switch (m_proposal->preset) {
        case StartProposal::Preset::NotFree: {
            const QString when = m_presetStart.isValid() ? BookingText::when(m_presetStart) : QString();
            m_noticeText = m_presetStart.isValid() && m_presetBay
                ? tr("%1 on %2 is not free for this wash; the next free time is offered instead.")
                      .arg(when, m_presetBay->name)
                : m_presetStart.isValid()
                ? tr("%1 is not free for this wash; the next free time is offered instead.").arg(when)
                : tr("%1 has no free time for this wash; the next free time on any bay is offered instead.")
                      .arg(m_presetBay->name);
            break;
        }
        case StartProposal::Preset::NotPossible:
            m_noticeText
                = tr("The time chosen on the board cannot be used: %1 The next free time is offered instead.")
                      .arg(m_proposal->presetProblem);
            break;
        case StartProposal::Preset::NotAsked:
        case StartProposal::Preset::Used:
            break;
        }
        showProposal();
        updateButtons();
        Q_EMIT slotShown();
        if (m_bookWhenReady) {
            m_bookWhenReady = false;
            m_bookBusy->stop();
            book();
        }
    });
}

void WalkInDialog::showProposal()
{
    QString text;
    if (m_serviceId == 0) {
        if (m_presetStart.isValid() || m_presetBay) {
            const QString where = m_presetBay ? m_presetBay->name : tr("any bay");
            text = m_presetStart.isValid() ? tr("Chosen on the board: %1 on %2. Choose a wash.")
                                                 .arg(BookingText::when(m_presetStart), where)
                                           : tr("Chosen on the board: %1. Choose a wash.").arg(where);
        } else {
            text = tr("Choose a wash to see the next free time.");
        }
    } else if (!m_proposal) {
        text = tr("Finding the next free time…");
    } else if (!m_proposal->slot) {
        text = tr("No free time: the site is closed or fully booked for this wash within the booking "
                  "horizon.");
    } else {
        const PlannedSlot &slot = *m_proposal->slot;
        const QString when = BookingText::when(slot.start);
        if (m_proposal->preset == StartProposal::Preset::Used)
            text = tr("Chosen on the board: %1 on %2 — %3")
                       .arg(when, m_proposal->bay.name, fromNow(slot.start));
        else if (isToday(slot.start))
            text = tr("Next free: %1 on %2 — %3").arg(when, m_proposal->bay.name, fromNow(slot.start));
        else
            text = tr("Nothing free today. Next free: %1 on %2").arg(when, m_proposal->bay.name);
    }
    m_slot->setText(text);
    m_slot->setAccessibleDescription(text);
    m_notice->setText(m_noticeText);
    m_notice->setVisible(!m_noticeText.isEmpty());
}

void WalkInDialog::updatePrice()
{
    const std::optional<Service> service = chosenService();
    if (!service) {
        m_price->clear();
        return;
    }
    if (!service->prices.contains(m_vehicleClass)) {
        m_price->setText(
            tr("%1 is not offered for a %2.").arg(service->name, BookingText::vehicleClass(m_vehicleClass)));
        return;
    }
    qint64 cents = service->prices.value(m_vehicleClass);
    int minutes = service->durationMinutes;
    const QList<qint64> addons = chosenAddons();
    for (const Addon &addon : service->addons) {
        if (addons.contains(addon.id)) {
            cents += addon.priceCents;
            minutes += addon.extraMinutes;
        }
    }
    m_price->setText(tr("Total %1 · %2 min").arg(Money::format(cents, service->currency)).arg(minutes));
}
