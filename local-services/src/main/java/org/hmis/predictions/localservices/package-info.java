/**
 * Real services for tests and the local runner, never mocks.
 *
 * <p>Tests register {@code TestPostgres} and {@code TestS3} (this module's test jar) on static fields: each test
 * class gets a fresh database and an empty bucket. The PostgreSQL server is the one {@code TEST_JDBC_URL} names, else a container where Docker
 * runs, else embedded; the S3 API is LocalStack where Docker runs, else s3proxy in the JVM.
 *
 * <p>The local runner uses {@link org.hmis.predictions.localservices.LocalPostgres} and
 * {@link org.hmis.predictions.localservices.LocalS3} directly; they and everything they use need no JUnit.
 */
package org.hmis.predictions.localservices;
