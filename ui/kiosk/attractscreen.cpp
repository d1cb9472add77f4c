#include "ui/kiosk/attractscreen.h"

#include "db/availability/availabilityrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/money.h"
#include "ui/kiosk/kiosktext.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

struct AttractData
{
    QList<Service> services;
    std::optional<PlannedSlot> nextFree;
};

constexpr int RotateMs = 4000;

} // namespace

AttractScreen::AttractScreen(QWidget *parent)
    : KioskScreen(parent)
{
    setObjectName(QStringLiteral("kioskAttract"));
    m_offer = new QLabel(this);
    m_offer->setObjectName(QStringLiteral("attractOffer"));
    m_offer->setAlignment(Qt::AlignCenter);
    m_offer->setWordWrap(true);
    QFont big = m_offer->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_offer->setFont(big);
    m_offer->setProperty("kioskRole", QStringLiteral("heading"));
    m_next = new QLabel(this);
    m_next->setObjectName(QStringLiteral("attractNextFree"));
    m_next->setAlignment(Qt::AlignCenter);
    m_next->setWordWrap(true);
    m_start = bigButton(QStringLiteral("attractStart"), this);
    makePrimary(m_start);
    m_start->setMinimumHeight(m_start->fontMetrics().height() * 8);
    QFont huge = m_start->font();
    huge.setPointSizeF(huge.pointSizeF() * 2.2);
    huge.setBold(true);
    m_start->setFont(huge);
    m_start->setProperty("kioskDisplay", true);
    connect(m_start, &QPushButton::clicked, this, &AttractScreen::started);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(titleLabel());
    layout->addStretch(1);
    layout->addWidget(m_offer);
    layout->addWidget(m_next);
    layout->addStretch(1);
    layout->addWidget(m_start, 2);

    m_rotate.setInterval(RotateMs);
    connect(&m_rotate, &QTimer::timeout, this, [this] {
        if (!m_services.isEmpty())
            m_shown = (m_shown + 1) % int(m_services.size());
        showOffer();
    });
    retranslate();
    updateTitle();
}

QString AttractScreen::title() const
{
    return tr("Book and pay your car wash here");
}

void AttractScreen::retranslate()
{
    setSpoken(m_start, tr("Touch to start"), tr("Touch to start"),
              tr("Choose a wash, a time and pay by card."));
    showOffer();
}

QString AttractScreen::offerText() const
{
    return m_offer->text();
}

void AttractScreen::showOffer()
{
    // Nothing to book (no active wash with a price): no way in to an empty
    // wash screen; the customer is sent to the desk.
    const bool nothingOffered = m_services.isEmpty() && !m_loading;
    m_start->setEnabled(!nothingOffered);
    if (m_services.isEmpty()) {
        m_offer->setText(m_loading ? tr("Loading the washes…")
                                   : tr("No wash can be booked here right now. Please see the desk."));
    } else {
        const Service &service = m_services[m_shown % m_services.size()];
        const qint64 from = service.prices.isEmpty()
            ? 0
            : *std::min_element(service.prices.cbegin(), service.prices.cend());
        m_offer->setText(tr("%1 from %2").arg(service.name, Money::format(from, service.currency)));
    }
    if (m_nextFree)
        m_next->setText(
            tr("Next free time: %1").arg(KioskText::slot(*m_nextFree, QDateTime::currentDateTime())));
    else
        m_next->setText(m_services.isEmpty() || m_loading ? QString() : tr("No free time left today."));
    m_start->setAccessibleDescription(m_offer->text().isEmpty() ? tr("Choose a wash, a time and pay by card.")
                                                                : m_offer->text());
}

void AttractScreen::reload(ConnectionPool &pool)
{
    const quint64 generation = ++m_generation;
    m_loading = true;
    showOffer();
    auto read = pool.withRetry(
        QStringLiteral("kiosk.attract"), RetryPolicy::standard(),
        [](QSqlDatabase &db) -> DbResult<AttractData> {
            AttractData found;
            for (const Service &s : ServiceRepo(db).all()) {
                if (s.active && !s.prices.isEmpty())
                    found.services.append(s);
            }
            if (found.services.isEmpty())
                return found;
            AvailabilityRequest request;
            request.serviceId = found.services.first().id;
            request.vehicleClass = found.services.first().prices.firstKey();
            if (found.services.first().prices.contains(QStringLiteral("car")))
                request.vehicleClass = QStringLiteral("car");
            const auto next = AvailabilityRepo(db).next(request);
            if (!next.ok())
                return next.error();
            // Today's only: the attract screen offers now, not next week.
            if (next.value()
                && next.value()->start.date()
                    == QDateTime::currentDateTime().toTimeZone(next.value()->start.timeZone()).date())
                found.nextFree = next.value();
            return found;
        });
    Async::onResult(read, this, [this, generation](const DbResult<AttractData> &result) {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (!result.ok()) {
            showOffer();
            Q_EMIT databaseTrouble(result.error());
            return;
        }
        m_services = result->services;
        m_nextFree = result->nextFree;
        m_shown = 0;
        showOffer();
        m_rotate.start();
        Q_EMIT loaded();
    });
}
