#include "ui/kiosk/timescreen.h"

#include "db/availability/availabilityrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "ui/kiosk/kioskorder.h"
#include "ui/kiosk/kiosktext.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

TimeScreen::TimeScreen(KioskOrder &order, QWidget *parent)
    : KioskScreen(parent)
    , m_order(order)
{
    setObjectName(QStringLiteral("kioskTime"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("timeStatus"));
    m_status->setWordWrap(true);
    m_status->setAlignment(Qt::AlignCenter);
    m_list = new QVBoxLayout;
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(titleLabel());
    layout->addWidget(m_status);
    layout->addLayout(m_list);
    layout->addStretch(1);
    retranslate();
    updateTitle();
}

QString TimeScreen::title() const
{
    return tr("Choose your time");
}

QString TimeScreen::describe() const
{
    return m_order.service ? tr("Choosing a time for %1").arg(m_order.service->name) : title();
}

void TimeScreen::reload(ConnectionPool &pool)
{
    if (!m_order.service)
        return;
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_slots.clear();
    build();
    AvailabilityRequest request;
    request.serviceId = m_order.service->id;
    request.vehicleClass = m_order.vehicleClass;
    request.addonIds = m_order.addonIds;
    std::sort(request.addonIds.begin(), request.addonIds.end());
    auto read = pool.withRetry(QStringLiteral("kiosk.times"), RetryPolicy::standard(),
                               [request](QSqlDatabase &db) -> DbResult<QList<PlannedSlot>> {
                                   AvailabilityRepo repo(db);
                                   const auto next = repo.next(request);
                                   if (!next.ok())
                                       return next.error();
                                   QList<PlannedSlot> times;
                                   if (!next.value())
                                       return times;
                                   times.append(*next.value());
                                   // A few more that day, the next free one first.
                                   const auto day = repo.forDate(request, next.value()->start.date());
                                   if (!day.ok())
                                       return day.error();
                                   for (const PlannedSlot &slot : day.value()) {
                                       if (times.size() > Alternatives)
                                           break;
                                       if (slot.start > next.value()->start)
                                           times.append(slot);
                                   }
                                   return times;
                               });
    Async::onResult(read, this, [this, generation](const DbResult<QList<PlannedSlot>> &result) {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (!result.ok()) {
            build();
            Q_EMIT databaseTrouble(result.error());
            return;
        }
        m_slots = result.value();
        build();
        if (!m_buttons.isEmpty())
            m_buttons.first()->setFocus(Qt::OtherFocusReason);
        Q_EMIT loaded();
    });
}

void TimeScreen::build()
{
    qDeleteAll(m_buttons);
    m_buttons.clear();
    for (int i = 0; i < m_slots.size(); ++i) {
        QPushButton *button = bigButton(QStringLiteral("time_%1").arg(i), this);
        if (i == 0) {
            makePrimary(button);
            QFont font = button->font();
            font.setPointSizeF(font.pointSizeF() * 1.4);
            font.setBold(true);
            button->setFont(font);
            button->setMinimumHeight(button->fontMetrics().height() * 3);
        }
        const PlannedSlot slot = m_slots[i];
        connect(button, &QPushButton::clicked, this, [this, slot] {
            m_order.slot = slot;
            Q_EMIT chosen();
        });
        m_list->addWidget(button);
        button->show(); // the screen is on show already
        m_buttons.append(button);
    }
    retranslate();
}

void TimeScreen::retranslate()
{
    const QDateTime now = QDateTime::currentDateTime();
    for (int i = 0; i < m_buttons.size(); ++i) {
        const QString text = KioskText::slot(m_slots[i], now);
        setSpoken(m_buttons[i], text, text, i == 0 ? tr("The next free time") : tr("Another free time"));
    }
    if (m_loading)
        m_status->setText(tr("Finding the next free times…"));
    else if (m_slots.isEmpty())
        m_status->setText(tr("Sorry, there is no free time left for this wash. Choose another wash, or "
                             "see the desk."));
    else
        m_status->setText(tr("The next free time is first."));
}

QPushButton *TimeScreen::slotButton(int index) const
{
    return index >= 0 && index < m_buttons.size() ? m_buttons[index] : nullptr;
}
