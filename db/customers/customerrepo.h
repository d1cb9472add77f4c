#pragma once

#include "db/customers/customer.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QSqlDatabase>

#include <optional>

// Finds customers for the desk's search box. Runs inside a unit of work on a
// pooled connection (blocking; throws DbException from the Sql helpers).
// One statement per search, histories included.
class CustomerRepo
{
    Q_DECLARE_TR_FUNCTIONS(CustomerRepo)
public:
    static constexpr int MaxResults = 50;
    static constexpr int MaxVisits = 20;

    explicit CustomerRepo(QSqlDatabase &db);

    // Customers whose plate starts with the text (normalised like a plate),
    // whose phone digits contain its digits (three or more), or whose name
    // contains it (any case, any script); by name. Invalid for empty or
    // over-long text.
    DbResult<QList<Customer>> find(const QString &text);
    // The customer whose vehicle has exactly this plate (normalised like a
    // plate), with history; nullopt for a plate nobody has booked with.
    // Invalid for text that cannot be a plate.
    DbResult<std::optional<Customer>> byPlate(const QString &plate);

private:
    QList<Customer> select(const QString &where, const QVariantList &binds);

    QSqlDatabase &m_db;
};
