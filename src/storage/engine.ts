// Which engine a database runs on, for the few queries written differently on each (search, scalar functions).
export { isPostgres } from '../../migrations/engine.js';
