#pragma once

#include "ui/manager/firstrunpage.h"

class MoneyField;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

// The first run's wash menu: a few washes of the owner's own (name,
// minutes, a price per vehicle class; an empty price is a class not
// offered, an empty name a row left out) done in a number of bays, or the
// demo car wash's menu to try things out.
class MenuFirstRunPage : public FirstRunPage
{
    Q_OBJECT
public:
    explicit MenuFirstRunPage(QWidget *parent = nullptr);

    void fill(FirstRunPlan &plan) const override;
    QList<FieldError> check() const override;
    // The plan numbers the washes it holds; rows left empty are not among them.
    bool showErrors(const QList<FieldError> &errors) override;
    // Prices are typed in the currency chosen before.
    void setCurrency(const QString &currency);
    int rowCount() const { return int(m_rows.size()); }
    QRadioButton *demoButton() const { return m_demo; }

private:
    struct Row
    {
        QLineEdit *name = nullptr;
        QSpinBox *minutes = nullptr;
        QList<MoneyField *> prices; // CatalogRepo::vehicleClasses() order
    };
    void addRow(const QString &name = {}, int minutes = 10, const QList<qint64> &cents = {});
    // Rows with a name, in order: wash N of the plan is row usedRows()[N - 1].
    QList<int> usedRows() const;
    void setOwnMenu(bool own);

    QRadioButton *m_own = nullptr;
    QRadioButton *m_demo = nullptr;
    QGridLayout *m_grid = nullptr;
    QList<Row> m_rows;
    QList<QLabel *> m_priceHeaders; // CatalogRepo::vehicleClasses() order
    QPushButton *m_add = nullptr;
    QSpinBox *m_bays = nullptr;
    QString m_currency;
};
