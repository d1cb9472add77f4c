#include "ui/manager/servicespage.h"

#include "db/catalogue/catalogrepo.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/manager/cataloguetext.h"
#include "ui/manager/moneyfield.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

ServicesPage::ServicesPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                           QWidget *parent)
    : CatalogueEditorPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("servicesPage"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("serviceName"));
    m_name->setAccessibleName(tr("Service name"));
    m_name->setMaxLength(CatalogRepo::MaxNameLength);
    connect(m_name, &QLineEdit::textEdited, this, &ServicesPage::markDirty);
    addField(tr("Na&me:"), m_name, QStringLiteral("name"));

    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("serviceDescription"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setTabChangesFocus(true);
    m_description->setFixedHeight(m_description->fontMetrics().lineSpacing() * 3 + 12);
    connect(m_description, &QPlainTextEdit::textChanged, this, &ServicesPage::markDirty);
    addField(tr("D&escription:"), m_description, QStringLiteral("description"));

    m_duration = new QSpinBox(this);
    m_duration->setObjectName(QStringLiteral("serviceDuration"));
    m_duration->setAccessibleName(tr("Duration in minutes"));
    m_duration->setRange(CatalogRepo::MinDurationMinutes, CatalogRepo::MaxDurationMinutes);
    m_duration->setSuffix(tr(" min"));
    connect(m_duration, &QSpinBox::valueChanged, this, &ServicesPage::markDirty);
    addField(tr("Durati&on:"), m_duration, QStringLiteral("duration"));

    m_active = new QCheckBox(tr("&Active (offered at the desk and the kiosk)"), this);
    m_active->setObjectName(QStringLiteral("serviceActive"));
    m_active->setAccessibleName(tr("Active"));
    connect(m_active, &QCheckBox::toggled, this, &ServicesPage::markDirty);
    addField(QString(), m_active, QStringLiteral("prices"));

    const QStringList mnemonics = {tr("&Car"), tr("S&UV"), tr("&Truck")};
    for (qsizetype i = 0; i < CatalogRepo::vehicleClasses().size(); ++i) {
        const QString vehicleClass = CatalogRepo::vehicleClasses().at(i);
        auto *offered = new QCheckBox(mnemonics.value(i, CatalogueText::vehicleClass(vehicleClass)), this);
        offered->setObjectName(QStringLiteral("offered_") + vehicleClass);
        offered->setAccessibleName(tr("Offered for %1").arg(CatalogueText::vehicleClass(vehicleClass)));
        auto *price = new MoneyField(this);
        price->setObjectName(QStringLiteral("price_") + vehicleClass);
        price->setAccessibleName(tr("%1 price").arg(CatalogueText::vehicleClass(vehicleClass)));
        connect(offered, &QCheckBox::toggled, price, &QWidget::setEnabled);
        connect(offered, &QCheckBox::toggled, this, &ServicesPage::markDirty);
        connect(price, &QLineEdit::textEdited, this, &ServicesPage::markDirty);
        m_offered.insert(vehicleClass, offered);
        m_prices.insert(vehicleClass, price);
        auto *holder = new QWidget(this);
        auto *row = new QHBoxLayout(holder);
        row->setContentsMargins(0, 0, 0, 0);
        row->addWidget(offered);
        row->addWidget(price, 1);
        setTabOrder(offered, price);
        addField(i == 0 ? tr("Prices:") : QString(), holder, QStringLiteral("price.") + vehicleClass);
    }
    // The amounts line up whatever the class names' lengths.
    int widest = 0;
    for (QCheckBox *box : std::as_const(m_offered))
        widest = std::max(widest, box->sizeHint().width());
    for (QCheckBox *box : std::as_const(m_offered))
        box->setMinimumWidth(widest);

    QStringList headers = {tr("Service"), tr("Duration"), tr("Active")};
    for (const QString &vehicleClass : CatalogRepo::vehicleClasses())
        headers << CatalogueText::vehicleClass(vehicleClass);
    setUpLayout(headers, tr("Services"));
    // setUpLayout orders the form's first widgets; the price rows' holders
    // take no focus, so chain their check boxes and fields by hand.
    QWidget *previous = m_active;
    for (const QString &vehicleClass : CatalogRepo::vehicleClasses()) {
        setTabOrder(previous, m_offered.value(vehicleClass));
        setTabOrder(m_offered.value(vehicleClass), m_prices.value(vehicleClass));
        previous = m_prices.value(vehicleClass);
    }
    showRow(-1);
}

void ServicesPage::catalogueChanged()
{
    for (MoneyField *field : std::as_const(m_prices))
        field->setCurrency(m_catalogue.currency);
}

QStringList ServicesPage::rowTexts(int row) const
{
    const CatalogueService &s = m_catalogue.services.at(row);
    QStringList texts
        = {s.name, tr("%n min", nullptr, s.durationMinutes), CatalogueText::activeText(s.active)};
    for (const QString &vehicleClass : CatalogRepo::vehicleClasses())
        texts << (s.prices.contains(vehicleClass)
                      ? Money::format(s.prices.value(vehicleClass), m_catalogue.currency)
                      : tr("not offered"));
    return texts;
}

void ServicesPage::showRow(int row)
{
    const CatalogueService s = row >= 0 ? m_catalogue.services.at(row) : CatalogueService {};
    m_name->setText(s.name);
    m_description->setPlainText(s.description);
    m_duration->setValue(row >= 0 ? s.durationMinutes : 15);
    m_active->setChecked(s.active);
    for (const QString &vehicleClass : CatalogRepo::vehicleClasses()) {
        const bool offered = row < 0 || s.prices.contains(vehicleClass);
        m_offered.value(vehicleClass)->setChecked(offered);
        m_prices.value(vehicleClass)->setEnabled(offered);
        if (s.prices.contains(vehicleClass))
            m_prices.value(vehicleClass)->setCents(s.prices.value(vehicleClass));
        else
            m_prices.value(vehicleClass)->clear();
    }
}

std::optional<QFuture<DbResult<SaveOutcome>>> ServicesPage::startSave(qint64 id, QList<FieldError> &errors)
{
    CatalogueService s;
    s.id = id;
    s.name = m_name->text();
    s.description = m_description->toPlainText();
    s.durationMinutes = m_duration->value();
    s.active = m_active->isChecked();
    for (const QString &vehicleClass : CatalogRepo::vehicleClasses()) {
        if (!m_offered.value(vehicleClass)->isChecked())
            continue;
        const MoneyField *field = m_prices.value(vehicleClass);
        const std::optional<qint64> cents = field->cents();
        if (!cents && field->text().trimmed().isEmpty())
            errors.append({QStringLiteral("price.") + vehicleClass,
                           tr("Type the %1 price, for example %2, or untick it if it is not offered.")
                               .arg(CatalogueText::vehicleClass(vehicleClass),
                                    MoneyField::centsText(1250, DisplayLocale::get()))});
        else if (!cents)
            errors.append({QStringLiteral("price.") + vehicleClass, field->problemText(1250)});
        else
            s.prices.insert(vehicleClass, *cents);
    }
    if (errors.isEmpty()) {
        CatalogueService normalised = s;
        normalised.name = CatalogRepo::normaliseName(s.name);
        errors = CatalogRepo::validate(normalised);
    }
    if (!errors.isEmpty())
        return std::nullopt;
    const QString actor = m_manager.actor();
    return m_pool.withRetry(QStringLiteral("catalogue.save_service"), RetryPolicy::critical(),
                            [s, actor](QSqlDatabase &db) { return CatalogRepo(db).saveService(s, actor); });
}

QFuture<DbResult<SaveOutcome>> ServicesPage::startRemove(qint64 id)
{
    const QString actor = m_manager.actor();
    return m_pool.withRetry(
        QStringLiteral("catalogue.remove_service"), RetryPolicy::critical(),
        [id, actor](QSqlDatabase &db) { return CatalogRepo(db).removeService(id, actor); });
}
