/**
 * Training settings and their defaults live in shared/domain/training (one vocabulary for the
 * form, the CLI, the database and the engine); the backend's code imports them from here.
 */
export { resolveTrainSettings, type TrainSettings, type TrainSettingsInput } from '../../../shared/domain/training';
