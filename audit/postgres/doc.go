// Package postgres is TechWalk's district hub store on PostgreSQL (pgx):
// connecting with libpq's conventions, the hub schema's embedded numbered
// migrations, and the roles and row-level security that decide what each
// district account may read and write. It imports only the domain.
package postgres
