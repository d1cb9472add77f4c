#include "ui/manager/addonspage.h"

#include "db/catalogue/catalogrepo.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/manager/cataloguetext.h"
#include "ui/manager/moneyfield.h"
#include "ui/manager/servicechecklist.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QSpinBox>

AddonsPage::AddonsPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner, QWidget *parent)
    : CatalogueEditorPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("addonsPage"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("addonName"));
    m_name->setAccessibleName(tr("Add-on name"));
    m_name->setMaxLength(CatalogRepo::MaxNameLength);
    connect(m_name, &QLineEdit::textEdited, this, &AddonsPage::markDirty);
    addField(tr("Na&me:"), m_name, QStringLiteral("name"));

    m_price = new MoneyField(this);
    m_price->setObjectName(QStringLiteral("addonPrice"));
    m_price->setAccessibleName(tr("Add-on price"));
    connect(m_price, &QLineEdit::textEdited, this, &AddonsPage::markDirty);
    addField(tr("Pri&ce:"), m_price, QStringLiteral("price"));

    m_extraMinutes = new QSpinBox(this);
    m_extraMinutes->setObjectName(QStringLiteral("addonExtraMinutes"));
    m_extraMinutes->setAccessibleName(tr("Extra minutes"));
    m_extraMinutes->setRange(0, CatalogRepo::MaxExtraMinutes);
    m_extraMinutes->setSuffix(tr(" min"));
    connect(m_extraMinutes, &QSpinBox::valueChanged, this, &AddonsPage::markDirty);
    addField(tr("E&xtra time:"), m_extraMinutes, QStringLiteral("extraMinutes"));

    m_active = new QCheckBox(tr("&Active (may be ordered)"), this);
    m_active->setObjectName(QStringLiteral("addonActive"));
    m_active->setAccessibleName(tr("Active"));
    connect(m_active, &QCheckBox::toggled, this, &AddonsPage::markDirty);
    addField(QString(), m_active, QStringLiteral("active"));

    m_services = new ServiceCheckList(this);
    m_services->setObjectName(QStringLiteral("addonServices"));
    m_services->setAccessibleName(tr("Offered with these services"));
    m_services->setMaximumHeight(m_services->fontMetrics().lineSpacing() * 6);
    connect(m_services, &ServiceCheckList::edited, this, &AddonsPage::markDirty);
    addField(tr("Offered &with:"), m_services, QStringLiteral("services"));

    setUpLayout({tr("Add-on"), tr("Price"), tr("Extra time"), tr("Active"), tr("Offered with")},
                tr("Add-ons"));
    showRow(-1);
}

void AddonsPage::catalogueChanged()
{
    m_price->setCurrency(m_catalogue.currency);
    m_services->setServices(m_catalogue.services);
}

QStringList AddonsPage::rowTexts(int row) const
{
    const CatalogueAddon &a = m_catalogue.addons.at(row);
    QStringList names;
    for (const CatalogueService &s : m_catalogue.services) {
        if (a.serviceIds.contains(s.id))
            names << s.name;
    }
    return {a.name, Money::format(a.priceCents, m_catalogue.currency), tr("%n min", nullptr, a.extraMinutes),
            CatalogueText::activeText(a.active), names.join(QStringLiteral(", "))};
}

void AddonsPage::showRow(int row)
{
    const CatalogueAddon a = row >= 0 ? m_catalogue.addons.at(row) : CatalogueAddon {};
    m_name->setText(a.name);
    if (row >= 0)
        m_price->setCents(a.priceCents);
    else
        m_price->clear();
    m_extraMinutes->setValue(a.extraMinutes);
    m_active->setChecked(a.active);
    m_services->setChecked(a.serviceIds);
}

std::optional<QFuture<DbResult<SaveOutcome>>> AddonsPage::startSave(qint64 id, QList<FieldError> &errors)
{
    CatalogueAddon a;
    a.id = id;
    a.name = m_name->text();
    a.extraMinutes = m_extraMinutes->value();
    a.active = m_active->isChecked();
    a.serviceIds = m_services->checkedIds();
    const std::optional<qint64> cents = m_price->cents();
    if (!cents && m_price->text().trimmed().isEmpty())
        errors.append(
            {QStringLiteral("price"),
             tr("Type the price, for example %1.").arg(MoneyField::centsText(450, DisplayLocale::get()))});
    else if (!cents)
        errors.append({QStringLiteral("price"), m_price->problemText(450)});
    else
        a.priceCents = *cents;
    CatalogueAddon normalised = a;
    normalised.name = CatalogRepo::normaliseName(a.name);
    errors += CatalogRepo::validate(normalised);
    if (!errors.isEmpty())
        return std::nullopt;
    const QString actor = m_manager.actor();
    return m_pool.withRetry(QStringLiteral("catalogue.save_addon"), RetryPolicy::critical(),
                            [a, actor](QSqlDatabase &db) { return CatalogRepo(db).saveAddon(a, actor); });
}

QFuture<DbResult<SaveOutcome>> AddonsPage::startRemove(qint64 id)
{
    const QString actor = m_manager.actor();
    return m_pool.withRetry(QStringLiteral("catalogue.remove_addon"), RetryPolicy::critical(),
                            [id, actor](QSqlDatabase &db) { return CatalogRepo(db).removeAddon(id, actor); });
}
