/** Every built-in connector: plain static arrays, sorted by name. */
import type { DestinationDeclaration, SourceDeclaration } from '../src/plugin/types.ts'
import file from './destinations/file/index.ts'
import logger from './destinations/logger/index.ts'
import postgresDestination from './destinations/postgres/index.ts'
import sqliteDestination from './destinations/sqlite/index.ts'
import dummy from './sources/dummy/index.ts'
import fileSource from './sources/file/index.ts'
import http from './sources/http/index.ts'
import postgres from './sources/postgres/index.ts'
import sqlite from './sources/sqlite/index.ts'
import synthetic from './sources/synthetic/index.ts'

export const sources: SourceDeclaration[] = [dummy, fileSource, http, postgres, sqlite, synthetic]
export const destinations: DestinationDeclaration[] = [file, logger, postgresDestination, sqliteDestination]
