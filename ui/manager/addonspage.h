#pragma once

#include "ui/manager/catalogueeditorpage.h"

class MoneyField;
class QCheckBox;
class QLineEdit;
class QSpinBox;
class ServiceCheckList;

// The "Add-ons" tab: extras priced once, with the minutes they add and the
// services they may be ordered with.
class AddonsPage : public CatalogueEditorPage
{
    Q_OBJECT
public:
    AddonsPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
               QWidget *parent = nullptr);

    QLineEdit *nameField() const { return m_name; }
    MoneyField *priceField() const { return m_price; }
    QSpinBox *extraMinutesField() const { return m_extraMinutes; }
    QCheckBox *activeBox() const { return m_active; }
    ServiceCheckList *servicesList() const { return m_services; }

protected:
    int rowCount() const override { return int(m_catalogue.addons.size()); }
    qint64 rowId(int row) const override { return m_catalogue.addons.at(row).id; }
    QString rowName(int row) const override { return m_catalogue.addons.at(row).name; }
    bool rowActive(int row) const override { return m_catalogue.addons.at(row).active; }
    int rowBookings(int row) const override { return m_catalogue.addons.at(row).bookingCount; }
    QStringList rowTexts(int row) const override;
    void showRow(int row) override;
    std::optional<QFuture<DbResult<SaveOutcome>>> startSave(qint64 id, QList<FieldError> &errors) override;
    QFuture<DbResult<SaveOutcome>> startRemove(qint64 id) override;
    void catalogueChanged() override;

private:
    QLineEdit *m_name = nullptr;
    MoneyField *m_price = nullptr;
    QSpinBox *m_extraMinutes = nullptr;
    QCheckBox *m_active = nullptr;
    ServiceCheckList *m_services = nullptr;
};
