#include "ui/desk/walkindialog.h"
#include "ui/desk/walkindialog_p.h"

#include "db/catalogue/servicerepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QGridLayout>
#include <QPushButton>
#include <QVBoxLayout>

// The washes on offer: loading the catalogue, a button per wash with its
// price for the chosen vehicle, and the chosen wash's add-ons.

using namespace WalkInForm;

void WalkInDialog::reloadServices()
{
    const quint64 generation = ++m_servicesGeneration;
    m_loadingServices = true;
    m_packagesBusy->start(tr("Loading the washes…"));
    auto all = m_pool.withRetry(QStringLiteral("services.list"), RetryPolicy::standard(),
                                [](QSqlDatabase &db) { return ServiceRepo(db).all(); });
    Async::onResult(all, this, [this, generation](const DbResult<QList<Service>> &result) {
        if (generation != m_servicesGeneration)
            return;
        m_loadingServices = false;
        m_packagesBusy->stop();
        if (!result.ok()) {
            qCWarning(lcWalkIn).noquote() << "services not loaded:" << result.error().toLogString();
            m_banner->showMessage(ServicesSource,
                                  tr("The washes could not be loaded. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this] { reloadServices(); });
            Q_EMIT servicesLoaded();
            return;
        }
        m_banner->clear(ServicesSource);
        m_services = result.value();
        if (!chosenService())
            m_serviceId = 0;
        buildPackages();
        buildAddons();
        updatePrice();
        updateButtons();
        if (m_serviceId != 0)
            requestChanged();
        Q_EMIT servicesLoaded();
    });
}

void WalkInDialog::buildPackages()
{
    for (QAbstractButton *button : m_packages->buttons()) {
        m_packages->removeButton(button);
        delete button;
    }
    if (m_services.isEmpty()) {
        auto *none = new QPushButton(tr("No washes are offered yet."), m_packageArea);
        none->setEnabled(false);
        none->setAccessibleName(none->text());
        m_packages->addButton(none);
        m_packageGrid->addWidget(none, 0, 0);
        return;
    }
    const int columns = 2;
    for (int i = 0; i < m_services.size(); ++i) {
        const Service &service = m_services[i];
        auto *button = new QPushButton(m_packageArea);
        button->setObjectName(QStringLiteral("package%1").arg(service.id));
        button->setAccessibleName(service.name);
        button->setAccessibleDescription(service.description);
        button->setToolTip(service.description);
        button->setCheckable(true);
        button->setAutoDefault(false);
        button->setProperty(ServiceIdProperty, service.id);
        button->setMinimumHeight(fontMetrics().height() * 3 + 8);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        button->setChecked(service.id == m_serviceId);
        m_packages->addButton(button);
        m_packageGrid->addWidget(button, i / columns, i % columns);
        button->show(); // now, so that focus and activation can land on it at once
    }
    updatePackageTexts();
    updateTabOrder();
}

void WalkInDialog::updatePackageTexts()
{
    const QList<QAbstractButton *> buttons = m_packages->buttons();
    for (int i = 0; i < buttons.size(); ++i) {
        QAbstractButton *button = buttons[i];
        const qint64 id = button->property(ServiceIdProperty).toLongLong();
        const auto found = std::find_if(m_services.cbegin(), m_services.cend(),
                                        [id](const Service &s) { return s.id == id; });
        if (found == m_services.cend())
            continue;
        const bool offered = found->prices.contains(m_vehicleClass);
        const QString price = offered ? Money::format(found->prices.value(m_vehicleClass), found->currency)
                                      : tr("not for this vehicle");
        // No mnemonic: Alt and the number choose (an ampersand in a name stays one).
        const QString name = QString(found->name).replace(u'&', QStringLiteral("&&"));
        const QString line = tr("%1 · %2 min").arg(price).arg(found->durationMinutes);
        button->setText(i < 9 ? tr("%1  %2\n%3").arg(i + 1).arg(name, line) : tr("%1\n%2").arg(name, line));
        button->setEnabled(offered);
    }
}

void WalkInDialog::buildAddons()
{
    const QList<qint64> before = chosenAddons();
    qDeleteAll(m_addonBoxes);
    m_addonBoxes.clear();
    const std::optional<Service> service = chosenService();
    m_noAddons->setText(service ? tr("No add-ons for this wash.") : tr("Choose a wash to see its add-ons."));
    m_noAddons->setVisible(!service || service->addons.isEmpty());
    if (service) {
        for (const Addon &addon : service->addons) {
            const QString price = Money::format(addon.priceCents, service->currency);
            auto *box = new QCheckBox(
                addon.extraMinutes > 0 ? tr("%1  +%2, +%3 min").arg(addon.name, price).arg(addon.extraMinutes)
                                       : tr("%1  +%2").arg(addon.name, price),
                m_addonArea);
            box->setObjectName(QStringLiteral("addon%1").arg(addon.id));
            box->setAccessibleName(addon.name);
            box->setProperty(AddonIdProperty, addon.id);
            box->setChecked(before.contains(addon.id));
            connect(box, &QCheckBox::toggled, this, &WalkInDialog::requestChanged);
            m_addonLayout->addWidget(box);
            box->show();
            m_addonBoxes.append(box);
        }
    }
    updateTabOrder();
}
