#include "ui/desk/rescheduledialog.h"

#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"

#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

RescheduleDialog::RescheduleDialog(ConnectionPool &pool, const StaffMember &staff, const Booking &booking,
                                   QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_staff(staff)
    , m_booking(booking)
{
    setObjectName(QStringLiteral("rescheduleDialog"));
    setWindowTitle(tr("Move booking %1").arg(booking.code));
    const QLocale locale = DisplayLocale::get();

    auto *current
        = new QLabel(tr("Now: %1, %2–%3 on %4")
                         .arg(locale.toString(booking.start.date(), QLocale::ShortFormat),
                              locale.toString(booking.start.time(), QLocale::ShortFormat),
                              locale.toString(booking.end.time(), QLocale::ShortFormat), booking.bay.name),
                     this);
    current->setWordWrap(true);

    m_date = new QDateEdit(booking.start.date(), this);
    m_date->setObjectName(QStringLiteral("rescheduleDate"));
    m_date->setAccessibleName(tr("Day"));
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(locale.dateFormat(QLocale::ShortFormat));
    connect(m_date, &QDateEdit::dateChanged, this, &RescheduleDialog::reloadSlots);
    auto *dateLabel = new QLabel(tr("&Day:"), this);
    dateLabel->setBuddy(m_date);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("rescheduleSlots"));
    m_list->setAccessibleName(tr("Free start times"));
    connect(m_list, &QListWidget::currentRowChanged, this, &RescheduleDialog::slotChanged);
    auto *listLabel = new QLabel(tr("&Free times:"), this);
    listLabel->setBuddy(m_list);

    m_bay = new QComboBox(this);
    m_bay->setObjectName(QStringLiteral("rescheduleBay"));
    m_bay->setAccessibleName(tr("Bay"));
    auto *bayLabel = new QLabel(tr("&Bay:"), this);
    bayLabel->setBuddy(m_bay);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("rescheduleMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    m_busy = new BusyIndicator(this);
    m_move = new QPushButton(tr("&Move booking"), this);
    m_move->setObjectName(QStringLiteral("rescheduleMove"));
    m_move->setDefault(true);
    connect(m_move, &QPushButton::clicked, this, &RescheduleDialog::move);
    auto *cancel = new QPushButton(tr("Cancel"), this);
    cancel->setAutoDefault(false);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(dateLabel, m_date);
    form->addRow(listLabel, m_list);
    form->addRow(bayLabel, m_bay);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_busy);
    buttons->addStretch(1);
    buttons->addWidget(m_move);
    buttons->addWidget(cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(current);
    layout->addLayout(form, 1);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    resize(fontMetrics().averageCharWidth() * 60, fontMetrics().height() * 26);
    setTabOrder(m_date, m_list);
    setTabOrder(m_list, m_bay);
    setTabOrder(m_bay, m_move);
    slotChanged();
    reloadSlots();
}

void RescheduleDialog::setDate(const QDate &date)
{
    if (m_date->date() == date)
        reloadSlots();
    else
        m_date->setDate(date); // reloads
}

void RescheduleDialog::reloadSlots()
{
    AvailabilityRequest request;
    request.serviceId = m_booking.serviceId;
    request.vehicleClass = m_booking.vehicleClass;
    for (const BookedAddon &addon : std::as_const(m_booking.addons))
        request.addonIds.append(addon.id);
    // Its own time is free for it: a later start overlapping where it is
    // now is offered, as BookingRepo::reschedule accepts it.
    request.ignoreBookingId = m_booking.id;
    const QDate date = m_date->date();
    const quint64 serial = ++m_request;
    m_loading = true;
    m_move->setEnabled(false);
    m_busy->start(tr("Finding free times…"));
    auto found = m_pool.withRetry(
        QStringLiteral("reschedule.slots"), RetryPolicy::standard(),
        [request, date](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(request, date); });
    Async::onResult(found, this, [this, serial](const DbResult<QList<PlannedSlot>> &result) {
        if (serial != m_request)
            return; // another day was chosen meanwhile
        m_loading = false;
        m_busy->stop();
        const QDateTime before
            = m_list->currentRow() >= 0 ? m_slots.value(m_list->currentRow()).start : QDateTime();
        m_list->clear();
        m_slots.clear();
        if (!result.ok()) {
            showMessage(tr("The free times could not be loaded: %1").arg(result.error().message()));
            slotChanged();
            Q_EMIT slotsLoaded();
            return;
        }
        const QLocale locale = DisplayLocale::get();
        for (PlannedSlot slot : result.value()) {
            // Its own start on its own bay would be no move.
            if (slot.start == m_booking.start) {
                slot.bays.removeIf([this](const BayRef &bay) { return bay.id == m_booking.bay.id; });
                if (slot.bays.isEmpty())
                    continue;
            }
            QStringList bays;
            for (const BayRef &bay : slot.bays)
                bays << bay.name;
            m_list->addItem(tr("%1–%2 (%3)")
                                .arg(locale.toString(slot.start.time(), QLocale::ShortFormat),
                                     locale.toString(slot.end.time(), QLocale::ShortFormat),
                                     bays.join(QStringLiteral(", "))));
            m_slots.append(slot);
            if (slot.start == before)
                m_list->setCurrentRow(m_list->count() - 1);
        }
        if (m_slots.isEmpty())
            m_list->addItem(tr("No free times on this day."));
        slotChanged();
        Q_EMIT slotsLoaded();
    });
}

void RescheduleDialog::slotChanged()
{
    const int row = m_list->currentRow();
    const bool valid = row >= 0 && row < m_slots.size();
    m_bay->clear();
    m_bay->addItem(tr("First free bay"), 0);
    if (valid) {
        for (const BayRef &bay : m_slots.at(row).bays)
            m_bay->addItem(bay.name, bay.id);
    }
    m_bay->setEnabled(valid);
    m_move->setEnabled(valid && !m_loading && !m_moving);
}

bool RescheduleDialog::choose(const QDateTime &start, qint64 bayId)
{
    for (qsizetype i = 0; i < m_slots.size(); ++i) {
        if (m_slots.at(i).start == start) {
            m_list->setCurrentRow(int(i));
            const int bayIndex = m_bay->findData(bayId);
            if (bayIndex < 0)
                return false;
            m_bay->setCurrentIndex(bayIndex);
            return true;
        }
    }
    return false;
}

QString RescheduleDialog::messageText() const
{
    return m_message->text();
}

void RescheduleDialog::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

bool RescheduleDialog::move()
{
    const int row = m_list->currentRow();
    if (m_moving || m_loading || row < 0 || row >= m_slots.size()) {
        if (!m_moving && !m_loading)
            showMessage(tr("Choose one of the free times first."));
        return false;
    }
    const QDateTime start = m_slots.at(row).start;
    const qint64 bayId = m_bay->currentData().toLongLong();
    const QString id = QString::number(m_booking.id);
    const QString actor = m_staff.actor();
    m_moving = true;
    m_move->setEnabled(false);
    m_busy->start(tr("Moving the booking…"));
    showMessage(QString());
    auto answer = m_pool.withRetry(QStringLiteral("booking.reschedule"), RetryPolicy::standard(),
                                   [id, start, bayId, actor](QSqlDatabase &db) {
                                       return BookingRepo(db).reschedule(id, start, bayId, actor);
                                   });
    Async::onResult(answer, this, [this](const DbResult<BookingOutcome> &result) {
        m_moving = false;
        m_busy->stop();
        if (!result.ok()) {
            showMessage(result.error().message());
            slotChanged();
            return;
        }
        const BookingOutcome &outcome = result.value();
        if (outcome.isBooked()) {
            Q_EMIT moved(outcome.booking);
            accept();
            return;
        }
        if (outcome.result == BookingOutcome::Result::SlotTaken) {
            showMessage(tr("That time was just taken by another booking. The free times are listed again."));
            reloadSlots();
            return;
        }
        QStringList lines;
        for (const FieldError &e : outcome.errors)
            lines << e.message;
        showMessage(lines.join(u'\n'));
        slotChanged();
    });
    return true;
}
