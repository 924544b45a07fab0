/** Every built-in connector: plain static arrays, sorted by name. */
import type { DestinationDeclaration, SourceDeclaration } from '../src/plugin/types.ts'
import file from './destinations/file/index.ts'
import logger from './destinations/logger/index.ts'
import natsDestination from './destinations/nats/index.ts'
import postgresDestination from './destinations/postgres/index.ts'
import sqliteDestination from './destinations/sqlite/index.ts'
import cycle from './sources/cycle/index.ts'
import dummy from './sources/dummy/index.ts'
import fileSource from './sources/file/index.ts'
import gbif from './sources/gbif/index.ts'
import gsheets from './sources/gsheets/index.ts'
import http from './sources/http/index.ts'
import hubspot from './sources/hubspot/index.ts'
import nats from './sources/nats/index.ts'
import notion from './sources/notion/index.ts'
import periscope from './sources/periscope/index.ts'
import pokeapi from './sources/pokeapi/index.ts'
import postgres from './sources/postgres/index.ts'
import sanaAi from './sources/sana_ai/index.ts'
import sqlite from './sources/sqlite/index.ts'
import synthetic from './sources/synthetic/index.ts'

export const sources: SourceDeclaration[] = [
  cycle,
  dummy,
  fileSource,
  gbif,
  gsheets,
  http,
  hubspot,
  nats,
  notion,
  periscope,
  pokeapi,
  postgres,
  sanaAi,
  sqlite,
  synthetic,
]
export const destinations: DestinationDeclaration[] = [
  file,
  logger,
  natsDestination,
  postgresDestination,
  sqliteDestination,
]
