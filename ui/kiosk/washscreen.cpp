#include "ui/kiosk/washscreen.h"

#include "db/text/money.h"
#include "ui/kiosk/kioskorder.h"
#include "ui/kiosk/kiosktext.h"
#include "ui/kiosk/kioskstyle.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

const QStringList VehicleClasses = {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")};
const char *const ServiceIdProperty = "serviceId";
const char *const AddonIdProperty = "addonId";
constexpr int Columns = 2;

} // namespace

WashScreen::WashScreen(KioskOrder &order, QWidget *parent)
    : KioskScreen(parent)
    , m_order(order)
{
    setObjectName(QStringLiteral("kioskWash"));
    // One size at a time, kept by showOrder() rather than an exclusive
    // group, so every size is a stop of its own for Tab (and a keypad).
    auto *vehicles = new QHBoxLayout;
    for (const QString &vehicleClass : VehicleClasses) {
        QPushButton *button = bigButton(QStringLiteral("vehicle_%1").arg(vehicleClass), this);
        button->setCheckable(true);
        vehicles->addWidget(button);
        m_vehicles.append(button);
        connect(button, &QPushButton::clicked, this, [this, vehicleClass] {
            m_order.vehicleClass = vehicleClass;
            // A wash not offered for this size is no longer chosen.
            if (m_order.service && !m_order.service->prices.contains(vehicleClass)) {
                m_order.service.reset();
                m_order.addonIds.clear();
            }
            showOrder();
        });
    }
    m_cards = new QGridLayout;
    m_addonsTitle = new QLabel(this);
    m_addons = new QHBoxLayout;
    m_continue = bigButton(QStringLiteral("washContinue"), this);
    m_continue->setProperty(KioskStyle::RoleProperty, QStringLiteral("primary"));
    connect(m_continue, &QPushButton::clicked, this, [this] {
        if (m_order.service)
            Q_EMIT chosen();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(titleLabel());
    layout->addLayout(vehicles);
    layout->addLayout(m_cards, 3);
    layout->addWidget(m_addonsTitle);
    layout->addLayout(m_addons, 1);
    layout->addWidget(m_continue);
    retranslate();
    updateTitle();
}

QString WashScreen::title() const
{
    return tr("Choose your wash");
}

QString WashScreen::describe() const
{
    return m_order.service ? tr("Choosing a wash: %1, %2")
                                 .arg(m_order.service->name, KioskText::vehicleClass(m_order.vehicleClass))
                           : tr("Choosing a wash");
}

void WashScreen::setServices(const QList<Service> &services)
{
    m_services = services;
    if (m_order.service) {
        const qint64 id = m_order.service->id;
        const auto found = std::find_if(services.cbegin(), services.cend(),
                                        [id](const Service &s) { return s.id == id; });
        if (found == services.cend())
            m_order.service.reset();
        else
            m_order.service = *found;
    }
    buildCards();
    showOrder();
}

void WashScreen::buildCards()
{
    qDeleteAll(m_washButtons);
    m_washButtons.clear();
    for (int i = 0; i < m_services.size(); ++i) {
        const qint64 id = m_services[i].id;
        QPushButton *card = bigButton(QStringLiteral("wash_%1").arg(id), this);
        card->setCheckable(true);
        card->setProperty(ServiceIdProperty, id);
        card->setMinimumHeight(card->fontMetrics().height() * 5);
        connect(card, &QPushButton::clicked, this, [this, id] { washClicked(id); });
        m_cards->addWidget(card, i / Columns, i % Columns);
        card->show();
        m_washButtons.append(card);
    }
}

void WashScreen::washClicked(qint64 serviceId)
{
    for (const Service &service : std::as_const(m_services)) {
        if (service.id == serviceId) {
            if (!m_order.service || m_order.service->id != serviceId)
                m_order.addonIds.clear();
            m_order.service = service;
        }
    }
    showOrder();
    m_continue->setFocus(Qt::OtherFocusReason);
}

void WashScreen::buildAddons()
{
    qDeleteAll(m_addonButtons);
    m_addonButtons.clear();
    if (!m_order.service)
        return;
    const QString currency = m_order.service->currency;
    for (const Addon &addon : std::as_const(m_order.service->addons)) {
        QPushButton *button = bigButton(QStringLiteral("addon_%1").arg(addon.id), this);
        button->setCheckable(true);
        button->setProperty(AddonIdProperty, addon.id);
        const QString price = Money::format(addon.priceCents, currency);
        setSpoken(button, tr("+ %1\n%2").arg(addon.name, price), tr("Add %1, %2").arg(addon.name, price));
        button->setChecked(m_order.addonIds.contains(addon.id));
        const qint64 id = addon.id;
        connect(button, &QPushButton::toggled, this, [this, id](bool on) {
            m_order.addonIds.removeAll(id);
            if (on)
                m_order.addonIds.append(id);
            retranslate();
        });
        m_addons->addWidget(button);
        button->show(); // the screen may be on show already
        m_addonButtons.append(button);
    }
}

void WashScreen::showOrder()
{
    for (int i = 0; i < m_vehicles.size(); ++i)
        m_vehicles[i]->setChecked(VehicleClasses[i] == m_order.vehicleClass);
    for (QPushButton *card : std::as_const(m_washButtons))
        card->setChecked(m_order.service && card->property(ServiceIdProperty).toLongLong() == m_order.service->id);
    buildAddons();
    retranslate();
}

void WashScreen::retranslate()
{
    for (int i = 0; i < m_vehicles.size(); ++i) {
        const QString name = KioskText::vehicleClass(VehicleClasses[i]);
        setSpoken(m_vehicles[i], name, name,
                  m_vehicles[i]->isChecked() ? tr("Chosen") : tr("Prices for this vehicle size"));
    }
    for (QPushButton *card : std::as_const(m_washButtons)) {
        const qint64 id = card->property(ServiceIdProperty).toLongLong();
        const auto found = std::find_if(m_services.cbegin(), m_services.cend(),
                                        [id](const Service &s) { return s.id == id; });
        if (found == m_services.cend())
            continue;
        const bool offered = found->prices.contains(m_order.vehicleClass);
        const QString price = offered ? Money::format(found->prices.value(m_order.vehicleClass), found->currency)
                                      : tr("not for this vehicle");
        // An ampersand in a wash's name is shown, not taken as a mnemonic.
        const QString name = QString(found->name).replace(u'&', QStringLiteral("&&"));
        setSpoken(card, tr("%1\n%2 · %3 min").arg(name, price).arg(found->durationMinutes),
                  tr("%1, %2").arg(found->name, price), found->description);
        card->setEnabled(offered);
    }
    const bool hasAddons = m_order.service && !m_order.service->addons.isEmpty();
    m_addonsTitle->setText(hasAddons ? tr("Add extras (optional):") : QString());
    m_addonsTitle->setVisible(hasAddons);
    if (m_order.service) {
        for (QPushButton *button : std::as_const(m_addonButtons)) {
            const qint64 id = button->property(AddonIdProperty).toLongLong();
            for (const Addon &addon : std::as_const(m_order.service->addons)) {
                if (addon.id == id) {
                    const QString price = Money::format(addon.priceCents, m_order.service->currency);
                    setSpoken(button, tr("+ %1\n%2").arg(QString(addon.name).replace(u'&', QStringLiteral("&&")), price),
                              tr("Add %1, %2").arg(addon.name, price),
                              button->isChecked() ? tr("Added") : tr("Not added"));
                }
            }
        }
    }
    const QString total = m_order.service ? Money::format(m_order.cataloguePriceCents(), m_order.service->currency)
                                          : QString();
    setSpoken(m_continue, m_order.service ? tr("Continue · %1").arg(total) : tr("Choose a wash above"),
              m_order.service ? tr("Continue with %1, %2").arg(m_order.service->name, total)
                              : tr("Choose a wash above"));
    m_continue->setEnabled(m_order.service.has_value());
}

QPushButton *WashScreen::washButton(qint64 serviceId) const
{
    for (QPushButton *card : m_washButtons) {
        if (card->property(ServiceIdProperty).toLongLong() == serviceId)
            return card;
    }
    return nullptr;
}

QPushButton *WashScreen::vehicleButton(const QString &vehicleClass) const
{
    const qsizetype i = VehicleClasses.indexOf(vehicleClass);
    return i < 0 ? nullptr : m_vehicles.at(i);
}

QPushButton *WashScreen::addonButton(qint64 addonId) const
{
    for (QPushButton *button : m_addonButtons) {
        if (button->property(AddonIdProperty).toLongLong() == addonId)
            return button;
    }
    return nullptr;
}
