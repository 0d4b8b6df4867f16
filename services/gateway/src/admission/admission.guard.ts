import { Inject, Injectable, type CanActivate } from '@nestjs/common';
import { AdmissionControl } from './admission-control';

/**
 * Admission of `POST /documents`. A guard runs before interceptors, so a refused upload is answered
 * before its body is read and stored.
 */
@Injectable()
export class DocumentAdmissionGuard implements CanActivate {
  constructor(@Inject(AdmissionControl) private readonly admission: AdmissionControl) {}

  canActivate(): boolean {
    this.admission.assertAdmits('document');
    return true;
  }
}
