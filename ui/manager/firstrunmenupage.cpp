#include "ui/manager/firstrunmenupage.h"

#include "db/catalogue/catalogrepo.h"
#include "db/text/bookingwords.h"
#include "db/text/money.h"
#include "ui/manager/moneyfield.h"

#include <QButtonGroup>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {

constexpr int ExampleCents = 1250;

QString rowField(int row)
{
    return QStringLiteral("wash.%1.").arg(row + 1);
}

} // namespace

MenuFirstRunPage::MenuFirstRunPage(QWidget *parent)
    : FirstRunPage(parent)
{
    m_own = new QRadioButton(tr("&Washes of my own (change them later under Manage, Site setup)"), this);
    m_own->setObjectName(QStringLiteral("ownMenu"));
    m_demo = new QRadioButton(
        tr("The &demo car wash: its washes, add-ons, lanes and holidays, to try things out"), this);
    m_demo->setObjectName(QStringLiteral("demoMenu"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_own);
    group->addButton(m_demo);
    m_own->setChecked(true);
    connect(m_own, &QRadioButton::toggled, this, &MenuFirstRunPage::setOwnMenu);

    m_grid = new QGridLayout;
    m_grid->addWidget(new QLabel(tr("Wash"), this), 0, 0);
    m_grid->addWidget(new QLabel(tr("Minutes"), this), 0, 1);
    int column = 2;
    for (const QString &vehicleClass : CatalogRepo::vehicleClasses()) {
        auto *header = new QLabel(this);
        header->setObjectName(QStringLiteral("price_header_%1").arg(vehicleClass));
        m_grid->addWidget(header, 0, column++);
        m_priceHeaders.append(header);
    }
    setCurrency(QString());
    m_grid->setColumnStretch(0, 1);
    addRow(tr("Basic wash"), 10, {1000, 1200, 1400});
    addRow(tr("Deluxe wash"), 15, {1600, 1900, 2200});
    addRow(tr("Ultimate wash"), 20, {2400, 2800, 3200});

    m_add = new QPushButton(tr("&Add a wash"), this);
    m_add->setObjectName(QStringLiteral("addWash"));
    m_add->setAutoDefault(false);
    connect(m_add, &QPushButton::clicked, this, [this] {
        addRow();
        m_rows.constLast().name->setFocus(Qt::OtherFocusReason);
    });

    m_bays = new QSpinBox(this);
    m_bays->setObjectName(QStringLiteral("bayCount"));
    m_bays->setRange(1, FirstRun::MaxBays);
    m_bays->setValue(2);
    m_bays->setAccessibleName(tr("Bays or lanes"));
    auto *baysLabel = new QLabel(tr("Ba&ys or lanes, each doing every wash:"), this);
    baysLabel->setBuddy(m_bays);
    auto *baysRow = new QHBoxLayout;
    baysRow->addWidget(baysLabel);
    baysRow->addWidget(m_bays);
    baysRow->addStretch(1);
    baysRow->addWidget(m_add);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_own);
    layout->addLayout(m_grid);
    layout->addWidget(errorLabel(QStringLiteral("washes"), m_rows.constFirst().name));
    layout->addLayout(baysRow);
    layout->addWidget(errorLabel(QStringLiteral("bays"), m_bays));
    layout->addWidget(m_demo);
    layout->addWidget(errorLabel(QStringLiteral("menu"), m_own));
    layout->addStretch(1);
}

void MenuFirstRunPage::addRow(const QString &name, int minutes, const QList<qint64> &cents)
{
    if (m_rows.size() >= FirstRun::MaxWashes)
        return;
    const int index = int(m_rows.size());
    const int gridRow = 1 + index * 2;
    Row row;
    row.name = new QLineEdit(name, this);
    row.name->setObjectName(QStringLiteral("wash_%1_name").arg(index + 1));
    row.name->setAccessibleName(tr("Wash %1 name").arg(index + 1));
    row.name->setMaxLength(CatalogRepo::MaxNameLength);
    row.minutes = new QSpinBox(this);
    row.minutes->setObjectName(QStringLiteral("wash_%1_minutes").arg(index + 1));
    row.minutes->setAccessibleName(tr("Wash %1 minutes").arg(index + 1));
    row.minutes->setRange(CatalogRepo::MinDurationMinutes, CatalogRepo::MaxDurationMinutes);
    row.minutes->setSingleStep(5);
    row.minutes->setValue(minutes);
    m_grid->addWidget(row.name, gridRow, 0);
    m_grid->addWidget(row.minutes, gridRow, 1);
    QWidget *previous
        = m_rows.isEmpty() ? static_cast<QWidget *>(m_own) : m_rows.constLast().prices.constLast();
    setTabOrder(previous, row.name);
    setTabOrder(row.name, row.minutes);
    previous = row.minutes;
    const QStringList classes = CatalogRepo::vehicleClasses();
    for (int i = 0; i < classes.size(); ++i) {
        auto *price = new MoneyField(this);
        price->setObjectName(QStringLiteral("wash_%1_price_%2").arg(index + 1).arg(classes.at(i)));
        price->setAccessibleName(
            tr("Wash %1 price for %2").arg(index + 1).arg(BookingWords::vehicleClass(classes.at(i))));
        price->setCurrency(m_currency);
        if (i < cents.size())
            price->setCents(cents.at(i));
        m_grid->addWidget(price, gridRow, 2 + i);
        setTabOrder(previous, price);
        previous = price;
        row.prices.append(price);
    }
    if (m_add)
        setTabOrder(previous, m_add);
    m_grid->addWidget(errorLabel(rowField(index), row.name), gridRow + 1, 0, 1, 2 + int(classes.size()));
    m_rows.append(row);
    if (m_add)
        m_add->setEnabled(m_rows.size() < FirstRun::MaxWashes);
}

void MenuFirstRunPage::setOwnMenu(bool own)
{
    for (const Row &row : std::as_const(m_rows)) {
        row.name->setEnabled(own);
        row.minutes->setEnabled(own);
        for (MoneyField *price : row.prices)
            price->setEnabled(own);
    }
    m_add->setEnabled(own && m_rows.size() < FirstRun::MaxWashes);
    m_bays->setEnabled(own);
}

void MenuFirstRunPage::setCurrency(const QString &currency)
{
    m_currency = currency;
    // The column says what the amounts typed under it are in.
    const QStringList classes = CatalogRepo::vehicleClasses();
    for (int i = 0; i < m_priceHeaders.size(); ++i) {
        const QString vehicleClass = BookingWords::vehicleClass(classes.at(i));
        m_priceHeaders.at(i)->setText(currency.isEmpty()
                                          ? vehicleClass
                                          : tr("%1 (%2)", "a price column: vehicle class (currency sign)")
                                                .arg(vehicleClass, Money::symbol(currency)));
    }
    for (const Row &row : std::as_const(m_rows)) {
        for (MoneyField *price : row.prices)
            price->setCurrency(currency);
    }
}

QList<int> MenuFirstRunPage::usedRows() const
{
    QList<int> used;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (!m_rows.at(i).name->text().trimmed().isEmpty())
            used.append(i);
    }
    return used;
}

QList<FieldError> MenuFirstRunPage::check() const
{
    if (m_demo->isChecked())
        return {};
    QList<FieldError> errors;
    const QList<int> used = usedRows();
    if (used.isEmpty())
        errors.append({QStringLiteral("washes"), tr("Name at least one wash, or choose the demo car wash.")});
    const QStringList classes = CatalogRepo::vehicleClasses();
    for (int n = 0; n < used.size(); ++n) {
        const Row &row = m_rows.at(used.at(n));
        for (int c = 0; c < classes.size(); ++c) {
            const MoneyField *price = row.prices.at(c);
            if (!price->text().trimmed().isEmpty() && !price->cents())
                errors.append({rowField(n) + QStringLiteral("price.") + classes.at(c),
                               tr("%1: %2").arg(BookingWords::vehicleClass(classes.at(c)),
                                                price->problemText(ExampleCents))});
        }
    }
    if (!errors.isEmpty())
        return errors;
    // What the database will say too.
    FirstRunPlan plan;
    fill(plan);
    for (const FieldError &e : FirstRun::validate(plan)) {
        if (e.field.startsWith(u"wash"))
            errors.append(e);
    }
    return errors;
}

void MenuFirstRunPage::fill(FirstRunPlan &plan) const
{
    plan.demoMenu = m_demo->isChecked();
    plan.washes.clear();
    plan.bays = 0;
    if (plan.demoMenu)
        return;
    const QStringList classes = CatalogRepo::vehicleClasses();
    for (const int i : usedRows()) {
        const Row &row = m_rows.at(i);
        CatalogueService wash;
        wash.name = row.name->text().simplified();
        wash.durationMinutes = row.minutes->value();
        for (int c = 0; c < classes.size(); ++c) {
            if (const std::optional<qint64> cents = row.prices.at(c)->cents())
                wash.prices.insert(classes.at(c), *cents);
        }
        plan.washes.append(wash);
    }
    plan.bays = m_bays->value();
}

bool MenuFirstRunPage::showErrors(const QList<FieldError> &errors)
{
    // Errors name wash N of the plan; the labels are by row on screen.
    const QList<int> used = usedRows();
    QList<FieldError> byRow;
    for (const FieldError &e : errors) {
        static const QRegularExpression wash(QStringLiteral("^wash\\.(\\d+)\\.(.*)$"));
        const QRegularExpressionMatch m = wash.match(e.field);
        const int n = m.hasMatch() ? m.captured(1).toInt() : 0;
        if (n >= 1 && n <= used.size())
            byRow.append({rowField(used.at(n - 1)) + m.captured(2), e.message});
        else
            byRow.append(e);
    }
    return FirstRunPage::showErrors(byRow);
}
