#pragma once

#include "ui/manager/catalogueeditorpage.h"

#include <QMap>

class MoneyField;
class QCheckBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

// The "Services & prices" tab: each wash package with its duration, active
// flag and price per vehicle class, in the site's currency.
class ServicesPage : public CatalogueEditorPage
{
    Q_OBJECT
public:
    ServicesPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                 QWidget *parent = nullptr);

    QLineEdit *nameField() const { return m_name; }
    QSpinBox *durationField() const { return m_duration; }
    QCheckBox *activeBox() const { return m_active; }
    QCheckBox *offeredBox(const QString &vehicleClass) const { return m_offered.value(vehicleClass); }
    MoneyField *priceField(const QString &vehicleClass) const { return m_prices.value(vehicleClass); }

protected:
    int rowCount() const override { return int(m_catalogue.services.size()); }
    qint64 rowId(int row) const override { return m_catalogue.services.at(row).id; }
    QString rowName(int row) const override { return m_catalogue.services.at(row).name; }
    bool rowActive(int row) const override { return m_catalogue.services.at(row).active; }
    int rowBookings(int row) const override { return m_catalogue.services.at(row).bookingCount; }
    QStringList rowTexts(int row) const override;
    void showRow(int row) override;
    std::optional<QFuture<DbResult<SaveOutcome>>> startSave(qint64 id, QList<FieldError> &errors) override;
    QFuture<DbResult<SaveOutcome>> startRemove(qint64 id) override;
    void catalogueChanged() override;

private:
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QSpinBox *m_duration = nullptr;
    QCheckBox *m_active = nullptr;
    QMap<QString, QCheckBox *> m_offered;
    QMap<QString, MoneyField *> m_prices;
};
