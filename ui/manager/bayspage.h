#pragma once

#include "ui/manager/catalogueeditorpage.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class ServiceCheckList;

// The "Bays" tab: lanes and bays with their kind, whether they take
// bookings, and the services each performs.
class BaysPage : public CatalogueEditorPage
{
    Q_OBJECT
public:
    BaysPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
             QWidget *parent = nullptr);

    QLineEdit *nameField() const { return m_name; }
    QComboBox *kindField() const { return m_kind; }
    QCheckBox *activeBox() const { return m_active; }
    ServiceCheckList *servicesList() const { return m_services; }

protected:
    int rowCount() const override { return int(m_catalogue.bays.size()); }
    qint64 rowId(int row) const override { return m_catalogue.bays.at(row).id; }
    QString rowName(int row) const override { return m_catalogue.bays.at(row).name; }
    bool rowActive(int row) const override { return m_catalogue.bays.at(row).active; }
    int rowBookings(int row) const override { return m_catalogue.bays.at(row).bookingCount; }
    QStringList rowTexts(int row) const override;
    void showRow(int row) override;
    std::optional<QFuture<DbResult<SaveOutcome>>> startSave(qint64 id, QList<FieldError> &errors) override;
    QFuture<DbResult<SaveOutcome>> startRemove(qint64 id) override;
    void catalogueChanged() override;

private:
    QLineEdit *m_name = nullptr;
    QComboBox *m_kind = nullptr;
    QCheckBox *m_active = nullptr;
    ServiceCheckList *m_services = nullptr;
};
